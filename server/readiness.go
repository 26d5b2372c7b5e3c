package server

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// readyTimeout bounds one call of Registrar.Ready.
const readyTimeout = time.Second

// readiness mirrors Registrar.Ready into grpc.health.v1.
type readiness struct {
	log      *slog.Logger
	health   *health.Server
	check    func(ctx context.Context) error // nil: always ready
	services []string                        // "" and every registered service
	interval time.Duration
	ready    bool // last published state; only touched by update
	known    bool // whether ready was published yet
}

// probe runs the readiness check with readyTimeout. A panicking check counts
// as not ready.
func (r *readiness) probe(ctx context.Context) (err error) {
	if r.check == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("readiness check panicked: %v", p)
		}
	}()
	return r.check(ctx)
}

// update probes once and publishes the result for every service. It must
// not run concurrently with itself.
func (r *readiness) update(ctx context.Context) {
	err := r.probe(ctx)
	if ctx.Err() != nil {
		return // shutting down: the result means nothing
	}
	st := healthpb.HealthCheckResponse_SERVING
	if err != nil {
		st = healthpb.HealthCheckResponse_NOT_SERVING
	}
	for _, svc := range r.services {
		r.health.SetServingStatus(svc, st)
	}
	ready := err == nil
	if r.known && ready == r.ready {
		return
	}
	r.known, r.ready = true, ready
	if ready {
		r.log.InfoContext(ctx, "ready", "status", st.String())
		return
	}
	r.log.WarnContext(ctx, "not ready", "status", st.String(), "error", err)
}

// run calls update every interval until ctx is done.
func (r *readiness) run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.update(ctx)
		}
	}
}
