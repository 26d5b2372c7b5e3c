// Command gridwatchd is the gridwatch server: gRPC, the HTTP/JSON gateway,
// health, readiness and metrics on one port, over the memory engine (the
// default) or Redis.
//
//	gridwatchd                                  # memory engine on :8080, keys in ./gridwatch-data
//	gridwatchd -store redis -redis-url redis://127.0.0.1:6379/0
//	gridwatchd -tls-cert cert.pem -tls-key key.pem     # TLS on the same port
//
// The travel times of the nearest-responder search follow -circuity and
// -speed-{walk,bike,car}-kmh; -stale-after is how long a responder without
// a position update is still offered work. Every state change and every
// read of precise positions is recorded in the engine's audit trail, kept
// for -audit-retention (default 400 days; docs/SECURITY.md).
//
// -tls-cert and -tls-key make the port speak TLS only (gRPC, the gateway,
// health and metrics alike); -tls-client-ca with -tls-client-auth optional
// or require asks clients for certificates (mutual TLS). Without a
// certificate the port speaks plain text and gridwatchd warns at start,
// unless it listens on loopback only. See docs/SECURITY.md.
//
// Authentication is on (-auth on): every call but health checks and
// reflection needs a bearer token signed by a key of <-data-dir>/keys. The
// first start creates the key and prints an admin token, once; more are
// issued with `gridwatch token issue`. -auth off, for local experiments
// only, lets callers assert their role and warns at every start. See
// docs/SECURITY.md.
//
// Each caller (the authenticated subject, else the IP address) is held to
// rate limits: -rate-unary, -rate-bulk (imports), -rate-stream-opens and
// -rate-updates (location updates), and to -streams-per-responder and
// -streams-per-user open streams; requests are capped at
// -max-request-bytes, location updates at -max-update-bytes. Connections
// are held to -max-concurrent-streams, keepalive (-keepalive-*) and
// -max-connection-idle/-age, every Redis call to -redis-*-timeout. The
// defaults and their reasons are in docs/SECURITY.md ("Limits").
//
// Every flag can also be set from the environment as GRIDWATCH_<FLAG>, with
// dashes as underscores (GRIDWATCH_REDIS_URL); a flag on the command line
// wins over the environment.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/gridwatch/gridwatch/api"
	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/server"
	"google.golang.org/grpc"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := realMain(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gridwatchd:", err)
		os.Exit(1)
	}
}

// realMain runs the server until ctx ends; it returns nil after a clean
// shutdown.
func realMain(ctx context.Context, args []string, stderr *os.File) error {
	cfg, err := parseConfig(args, os.LookupEnv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.close()
	cfg.API.Logger = log
	if cfg.API.Auth, err = setupAuth(cfg.Auth, log, stderr); err != nil {
		return err
	}
	svc, err := grid.NewService(st.grid, cfg.Grid, log)
	if err != nil {
		return err
	}
	pres, err := presence.NewService(st.presence, svc, svc, cfg.Presence, log)
	if err != nil {
		return err
	}
	disp, err := startDispatch(ctx, cfg.Dispatch, st.dispatch, st.events, pres, log)
	if err != nil {
		return err
	}
	defer disp.stop()
	cfg.API.Grid, cfg.API.Dispatch, cfg.API.Events, cfg.API.Arrivals = svc, disp.svc, disp.events, disp.svc
	cfg.API.Audit = audit.NewRecorder(st.audit, nil)
	defer startAuditTrim(ctx, cfg.Audit, cfg.API.Audit, log)()
	unary, stream := api.Interceptors(cfg.API)
	srv, err := server.New(cfg.Server, log, server.Registrar{
		Register: func(s *grpc.Server) { api.Register(s, svc, pres, cfg.API) },
		Gateway:  api.RegisterGateway,
		Ready:    st.grid.Ping,
		Unary:    unary,
		Stream:   stream,
	})
	if err != nil {
		return err
	}
	return listenAndServe(ctx, srv, cfg, log)
}

// listenAndServe serves srv on cfg.Listen until ctx ends.
func listenAndServe(ctx context.Context, srv *server.Server, cfg config, log *slog.Logger) error {
	lis, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Listen, err)
	}
	log.Info("gridwatchd serving", "addr", lis.Addr().String(), "store", cfg.Store)
	if err := srv.Serve(ctx, lis); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	log.Info("gridwatchd stopped")
	return nil
}
