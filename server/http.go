package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/web"
)

// HTTP server timeouts. There is deliberately no WriteTimeout: it would cut
// long-lived gateway streams.
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 120 * time.Second
)

// newHTTPServer returns the http.Server of s: /healthz, /readyz and /metrics,
// the dispatch console under /console/ (/console redirects there),
// everything else to the gateway (which falls back on extra), all bodies
// limited to MaxRecvMsgBytes, every request marked with the client's
// address for the gRPC side (markPeer); gRPC over HTTP/2 to the gRPC
// server.
func (s *Server) newHTTPServer() *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelError),
		Registry: s.registry,
	}))
	mux.Handle(web.Prefix, web.Handler())
	mux.Handle("GET "+strings.TrimSuffix(web.Prefix, "/"), http.RedirectHandler(web.Prefix, http.StatusFound))
	mux.Handle("/", s.gateway)
	return &http.Server{
		Handler:           grpcOverHTTP2(s.grpc, markPeer(s.limitBody(mux))),
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok")
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.ready.probe(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, err.Error())
		return
	}
	io.WriteString(w, "ok")
}

// bodyLimitKey keys the *bodyLimit of a request in its context.
type bodyLimitKey struct{}

// bodyLimit records that a request body went over the limit, so that the
// gateway error handler can answer 413 instead of 400.
type bodyLimit struct {
	max      int64
	exceeded atomic.Bool
}

// limitedBody is an http.MaxBytesReader that records when it trips.
type limitedBody struct {
	io.ReadCloser
	limit *bodyLimit
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		b.limit.exceeded.Store(true)
	}
	return n, err
}

// limitBody limits request bodies to MaxRecvMsgBytes. A declared length over
// the limit is refused at once; a longer chunked body fails when read.
func (s *Server) limitBody(next http.Handler) http.Handler {
	limit := int64(s.cfg.MaxRecvMsgBytes)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			_, out := runtime.MarshalerForRequest(s.gateway, r)
			runtime.DefaultHTTPErrorHandler(r.Context(), s.gateway, out, w, r, errBodyTooLarge(limit))
			return
		}
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		bl := &bodyLimit{max: limit}
		r = r.WithContext(context.WithValue(r.Context(), bodyLimitKey{}, bl))
		r.Body = &limitedBody{ReadCloser: http.MaxBytesReader(w, r.Body, limit), limit: bl}
		next.ServeHTTP(w, r)
	})
}

// errBodyTooLarge is the gateway error for a request body over limit: HTTP
// 413 with a ResourceExhausted status, as gRPC answers an oversized message.
func errBodyTooLarge(limit int64) error {
	return &runtime.HTTPStatusError{
		HTTPStatus: http.StatusRequestEntityTooLarge,
		Err:        status.Error(codes.ResourceExhausted, fmt.Sprintf("request body larger than %d bytes", limit)),
	}
}
