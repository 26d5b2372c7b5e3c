package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// findResult is what "load find" prints.
type findResult struct {
	Responders   int       `json:"responders"`
	Concurrency  int       `json:"concurrency"`
	DurationS    float64   `json:"duration_s"`
	FindsPerS    float64   `json:"finds_per_second"`
	MeanReturned float64   `json:"mean_responders_returned"`
	OutOfScope   int       `json:"out_of_scope"`
	Find         latencies `json:"find_latency"`
	Health       latencies `json:"health_latency"`
	P50Ratio     float64   `json:"p50_ratio"`
}

// finderStats is one worker's share of a findResult.
type finderStats struct {
	find, health []time.Duration
	returned     int
	outOfScope   int
}

func (a *app) loadFindCmd() *cobra.Command {
	var f loadFlags
	var conc int
	c := &cobra.Command{
		Use:   "find",
		Short: "Measure FindResponders latency against grpc.health.v1 Check, the empty unary call",
		Long: "--concurrency workers each alternate a health check and a FindResponders call at a\n" +
			"random point of the area, for --duration, so both see the same load. Positions go\n" +
			"stale after the server's -stale-after (60 s): keep --duration well below it, or\n" +
			"mean_responders_returned falls.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if conc < 1 {
				return errors.New("want --concurrency ≥ 1")
			}
			ctx := a.withCredentials(cmd.Context())
			if _, err := a.setup(ctx, cmd, &f); err != nil {
				return err
			}
			res, err := a.find(ctx, &f, conc)
			if err != nil {
				return err
			}
			return a.emitValue(cmd, res, func(w io.Writer) { findTable(w, res) })
		},
	}
	f.add(c, 60_000)
	c.Flags().IntVar(&conc, "concurrency", 1, "concurrent callers")
	return c
}

// find runs the workers and sums their results.
func (a *app) find(ctx context.Context, f *loadFlags, conc int) (findResult, error) {
	conn, err := a.dial()
	if err != nil {
		return findResult{}, err
	}
	pres, health := gridwatchv1.NewPresenceServiceClient(conn), healthpb.NewHealthClient(conn)
	stats := make([]finderStats, conc)
	errs := make([]error, conc)
	start := time.Now()
	until := start.Add(f.duration)
	var wg sync.WaitGroup
	for i := range conc {
		rng := rand.New(rand.NewPCG(f.seed+uint64(i)+1, 7))
		wg.Go(func() { stats[i], errs[i] = findWorker(ctx, pres, health, f, rng, until) })
	}
	wg.Wait()
	res := findResult{Responders: f.responders, Concurrency: conc, DurationS: time.Since(start).Seconds()}
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	var finds, checks []time.Duration
	returned := 0
	for _, s := range stats {
		finds, checks = append(finds, s.find...), append(checks, s.health...)
		returned += s.returned
		res.OutOfScope += s.outOfScope
	}
	res.FindsPerS = float64(len(finds)) / res.DurationS
	if len(finds) > 0 {
		res.MeanReturned = float64(returned) / float64(len(finds))
	}
	res.Find, res.Health = summarise(finds), summarise(checks)
	if res.Health.P50 > 0 {
		res.P50Ratio = res.Find.P50 / res.Health.P50
	}
	return res, nil
}

// findWorker alternates health checks and searches until the deadline. A
// point outside the caller's scope (a dispatcher's token, an --area wider
// than the grids of its units or crossing gaps between them) is counted
// and its pair of calls left out of the latencies.
func findWorker(ctx context.Context, pres gridwatchv1.PresenceServiceClient, health healthpb.HealthClient,
	f *loadFlags, rng *rand.Rand, until time.Time) (finderStats, error) {
	var st finderStats
	for time.Now().Before(until) {
		point := f.randomPoint(rng) // untimed: with --area, drawing costs microseconds
		t0 := time.Now()
		if _, err := health.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
			return st, fmt.Errorf("health check: %w", err)
		}
		t1 := time.Now()
		resp, err := pres.FindResponders(ctx, &gridwatchv1.FindRespondersRequest{Point: point})
		if status.Code(err) == codes.PermissionDenied {
			st.outOfScope++
			continue
		}
		if err != nil {
			return st, fmt.Errorf("FindResponders: %w", err)
		}
		st.health = append(st.health, t1.Sub(t0))
		st.find = append(st.find, time.Since(t1))
		for _, c := range resp.GetCircles() {
			st.returned += len(c.GetResponders())
		}
	}
	return st, nil
}

func findTable(w io.Writer, r findResult) {
	row(w, "responders", r.Responders)
	row(w, "concurrency", r.Concurrency)
	row(w, "finds/s", fmt.Sprintf("%.0f", r.FindsPerS))
	row(w, "responders returned per find", fmt.Sprintf("%.1f", r.MeanReturned))
	if r.OutOfScope > 0 {
		row(w, "points out of the caller's scope (left out)", r.OutOfScope)
	}
	row(w, "FindResponders p50 / p90 / p99", fmt.Sprintf("%.3f / %.3f / %.3f ms", r.Find.P50, r.Find.P90, r.Find.P99))
	row(w, "health Check p50 / p90 / p99", fmt.Sprintf("%.3f / %.3f / %.3f ms", r.Health.P50, r.Health.P90, r.Health.P99))
	row(w, "p50 ratio", fmt.Sprintf("%.2f", r.P50Ratio))
}
