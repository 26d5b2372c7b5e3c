package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// callLogger writes one line per call at a level that keeps the log
// readable at a city's call rates: streams when they end and failed unary
// calls at Info, unary calls taking slow or longer at Warn, server faults at
// Error, and successful unary calls (a phone's location batch, a console's
// search: thousands a second), health checks, reflection and calls refused
// for a caller's limits at Debug only; the metrics count every call. It
// never logs request or response messages: they can hold volunteers'
// coordinates.
type callLogger struct {
	log  *slog.Logger
	slow time.Duration
}

func (l callLogger) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	start := time.Now()
	resp, err := handler(ctx, req)
	code, took := status.Code(err), time.Since(start)
	level := slog.LevelDebug
	switch {
	case took >= l.slow:
		level = slog.LevelWarn
	case code != codes.OK && code != codes.ResourceExhausted && !isInfraMethod(info.FullMethod):
		level = slog.LevelInfo
	}
	l.record(ctx, level, "grpc call", info.FullMethod, err, took)
	return resp, err
}

func (l callLogger) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	start := time.Now()
	err := handler(srv, ss)
	level := slog.LevelInfo
	if isInfraMethod(info.FullMethod) || status.Code(err) == codes.ResourceExhausted {
		level = slog.LevelDebug
	}
	l.record(ss.Context(), level, "grpc stream", info.FullMethod, err, time.Since(start))
	return err
}

// record logs one call at level, or at Error for a server fault.
func (l callLogger) record(ctx context.Context, level slog.Level, msg, method string, err error, took time.Duration) {
	code := status.Code(err)
	fault := code == codes.Internal || code == codes.Unknown || code == codes.DataLoss
	if fault {
		level = slog.LevelError
	}
	if !l.log.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", method),
		slog.String("code", code.String()),
		slog.Float64("duration_ms", float64(took)/float64(time.Millisecond)),
		slog.String("peer", peerAddr(ctx)),
	}
	if fault {
		attrs = append(attrs, slog.String("error", status.Convert(err).Message()))
	}
	l.log.LogAttrs(ctx, level, msg, attrs...)
}

// isInfraMethod reports whether method belongs to health checking or
// reflection, which are logged at Debug only.
func isInfraMethod(method string) bool {
	return strings.HasPrefix(method, "/grpc.health.v1.") || strings.HasPrefix(method, "/grpc.reflection.")
}

func peerAddr(ctx context.Context) string {
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		return p.Addr.String()
	}
	return ""
}

// recoverer turns a handler panic into codes.Internal without leaking the
// panic text to the client, and logs it with the stack.
type recoverer struct{ log *slog.Logger }

func (r recoverer) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, r.panicked(ctx, info.FullMethod, p)
		}
	}()
	return handler(ctx, req)
}

func (r recoverer) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = r.panicked(ss.Context(), info.FullMethod, p)
		}
	}()
	return handler(srv, ss)
}

func (r recoverer) panicked(ctx context.Context, method string, p any) error {
	r.log.LogAttrs(ctx, slog.LevelError, "panic in grpc handler",
		slog.String("method", method),
		slog.String("panic", fmt.Sprint(p)),
		slog.String("stack", string(debug.Stack())))
	return status.Error(codes.Internal, "internal error")
}

// deadlineCap gives calls with no deadline, or a later one, a deadline limit
// from now. A zero limit caps nothing.
type deadlineCap struct{ limit time.Duration }

func (d deadlineCap) unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, cancel := capDeadline(ctx, d.limit)
	defer cancel()
	resp, err := handler(ctx, req)
	return resp, contextStatus(err)
}

func (d deadlineCap) stream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if d.limit <= 0 {
		return contextStatus(handler(srv, ss))
	}
	ctx, cancel := capDeadline(ss.Context(), d.limit)
	defer cancel()
	return contextStatus(handler(srv, &ctxStream{ServerStream: ss, ctx: ctx}))
}

func capDeadline(ctx context.Context, limit time.Duration) (context.Context, context.CancelFunc) {
	if limit <= 0 {
		return ctx, func() {}
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= limit {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, limit)
}

// contextStatus turns a bare context error returned by a handler into the
// matching status (DeadlineExceeded, Canceled), so that logs and metrics see
// the code the client gets instead of Unknown.
func contextStatus(err error) error {
	if _, ok := status.FromError(err); ok {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return status.FromContextError(err).Err()
	}
	return err
}

// ctxStream is a ServerStream with a replaced context.
type ctxStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *ctxStream) Context() context.Context { return s.ctx }
