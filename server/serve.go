package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/test/bufconn"
)

// Serve serves on lis until ctx is cancelled, then shuts down: every
// grpc.health.v1 status goes NOT_SERVING, lis is closed, the HTTP side is
// shut down and the gRPC side is stopped gracefully (GracefulStop), both at
// once; what still runs after Config.ShutdownTimeout is closed (http Close,
// grpc Stop). Serve returns nil after a shutdown caused by ctx, or the error
// that made it stop. It always closes lis and may be called only once.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	if !s.started.CompareAndSwap(false, true) {
		lis.Close()
		return errors.New("server: Serve called more than once")
	}
	s.mu.Lock()
	s.addr = lis.Addr()
	s.mu.Unlock()

	mem := bufconn.Listen(memListenerBytes)
	conn, err := s.prepareGateway(ctx, mem)
	if err != nil {
		lis.Close()
		return err
	}
	s.ready.update(ctx) // first check before serving starts
	d := newDemux(lis, s.log, defaultPeekTimeout)
	if s.tls != nil {
		d.tlsConfig = s.tls.serverConfig()
	}
	errc := s.start(d, mem)

	pollCtx, stopPoll := context.WithCancel(ctx)
	var poll sync.WaitGroup
	poll.Go(func() { s.ready.run(pollCtx) })
	s.logServing(ctx, lis.Addr())

	var cause error
	select {
	case <-ctx.Done():
	case cause = <-errc.first:
	}
	stopPoll()
	poll.Wait()
	s.shutdown(context.WithoutCancel(ctx), d, conn)
	if err := errc.wait(); cause == nil && err != nil {
		cause = err
	}
	return cause
}

// logServing says where the server serves and whether over TLS, warning
// when plain text leaves the machine: a plain-text port on loopback is
// presumably behind a TLS-terminating proxy on the same host.
func (s *Server) logServing(ctx context.Context, addr net.Addr) {
	if s.tls != nil {
		s.log.InfoContext(ctx, "serving", "addr", addr.String(), "tls", true, "client_auth", s.cfg.TLS.ClientAuth.String())
		return
	}
	s.log.InfoContext(ctx, "serving", "addr", addr.String(), "tls", false)
	if ta, ok := addr.(*net.TCPAddr); ok && ta.IP.IsLoopback() {
		return
	}
	s.log.WarnContext(ctx, "serving without TLS: calls, tokens and positions cross the network unencrypted; "+
		"configure a certificate or listen on loopback behind a TLS proxy", "addr", addr.String())
}

// prepareGateway connects the gateway to the in-memory listener and lets
// the Registrar mount its handlers.
func (s *Server) prepareGateway(ctx context.Context, mem *bufconn.Listener) (*grpc.ClientConn, error) {
	conn, err := dialMem(mem, s.cfg.MaxRecvMsgBytes)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if s.reg.Gateway == nil {
		return conn, nil
	}
	if err := s.reg.Gateway(ctx, s.gateway, conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("server: register gateway: %w", err)
	}
	return conn, nil
}

// serveErrs collects the results of the serving goroutines.
type serveErrs struct {
	first chan error // unexpected errors, buffered for all goroutines
	wg    sync.WaitGroup
}

// wait waits for every serving goroutine and returns an unexpected error
// that was not yet received from first, if any.
func (e *serveErrs) wait() error {
	e.wg.Wait()
	select {
	case err := <-e.first:
		return err
	default:
		return nil
	}
}

// start runs the demux, gRPC on both of its listeners and HTTP.
func (s *Server) start(d *demux, mem net.Listener) *serveErrs {
	e := &serveErrs{first: make(chan error, 4)}
	run := func(name string, serve func() error) {
		e.wg.Go(func() {
			err := serve()
			if err == nil || errors.Is(err, http.ErrServerClosed) ||
				errors.Is(err, grpc.ErrServerStopped) || errors.Is(err, net.ErrClosed) {
				return // stopped by shutdown
			}
			e.first <- fmt.Errorf("server: %s: %w", name, err)
		})
	}
	run("demux", d.serve)
	run("grpc", func() error { return s.grpc.Serve(d.grpcL) })
	run("grpc in-memory", func() error { return s.grpc.Serve(gatewayListener{mem}) })
	run("http", func() error { return s.http.Serve(d.httpL) })
	return e
}

// shutdown stops everything, giving in-flight calls and streams up to
// ShutdownTimeout to finish.
func (s *Server) shutdown(ctx context.Context, d *demux, conn *grpc.ClientConn) {
	start := time.Now()
	s.log.InfoContext(ctx, "shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	s.health.Shutdown() // every service NOT_SERVING, and stays so
	if err := d.Close(); err != nil {
		s.log.WarnContext(ctx, "closing listener", "error", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownTimeout)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.http.Shutdown(ctx); err != nil {
			s.log.WarnContext(ctx, "http shutdown timed out; closing connections", "error", err)
			s.http.Close()
		}
	})
	wg.Go(func() { s.stopGRPC(ctx) })
	wg.Wait()
	if err := conn.Close(); err != nil {
		s.log.WarnContext(ctx, "closing gateway connection", "error", err)
	}
	s.log.InfoContext(ctx, "shut down", "duration_ms", float64(time.Since(start))/float64(time.Millisecond))
}

// stopGRPC runs GracefulStop until ctx is done, then Stop.
func (s *Server) stopGRPC(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.WarnContext(ctx, "grpc graceful stop timed out; stopping")
		s.grpc.Stop()
		<-done
	}
}
