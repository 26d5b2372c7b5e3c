// Command gridwatchd is the gridwatch server: gRPC, the HTTP/JSON gateway,
// health, readiness and metrics on one port, over the memory engine (the
// default) or Redis.
//
//	gridwatchd                                  # memory engine on :8080
//	gridwatchd -store redis -redis-url redis://127.0.0.1:6379/0
//
// The travel times of the nearest-responder search follow -circuity and
// -speed-{walk,bike,car}-kmh; -stale-after is how long a responder without
// a position update is still offered work.
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
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.close()
	cfg.API.Logger = log
	svc, err := grid.NewService(st.grid, cfg.Grid, log)
	if err != nil {
		return err
	}
	pres, err := presence.NewService(st.presence, svc, svc, cfg.Presence, log)
	if err != nil {
		return err
	}
	disp, err := startDispatch(ctx, cfg.Dispatch, st.dispatch, pres, log)
	if err != nil {
		return err
	}
	defer disp.stop()
	cfg.API.Grid, cfg.API.Dispatch, cfg.API.Events, cfg.API.Arrivals = svc, disp.svc, disp.events, disp.svc
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
