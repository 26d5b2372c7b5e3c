package api

import (
	"context"
	"flag"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/limit"
)

// Options of BenchmarkRateLimitIsolation, after -args.
var (
	hammerers = flag.Int("ratelimit-hammerers", 4, "goroutines of caller A")
	aRate     = flag.Float64("ratelimit-a-rate", 2000, "caller A's calls per second, all goroutines together; 0: back to back")
	bInterval = flag.Duration("ratelimit-b-interval", 10*time.Millisecond, "pause between caller B's calls")
)

// BenchmarkRateLimitIsolation: one caller over its rate limit is refused
// while a second caller's latency is unchanged. Caller A (127.0.0.2) and
// caller B (127.0.0.3) call ListUnits on the server gridwatchd runs
// (package server, the API's interceptors) over loopback, both limited to
// 200 unary calls per second in bursts of 50. B calls every
// -ratelimit-b-interval (10 ms: 100/s, half its limit), b.N calls in each
// of two phases in the same run: A idle, then A hammering with
// -ratelimit-hammerers goroutines at -ratelimit-a-rate calls per second
// in all (2,000: ten times its limit; 0 for back to back), from a process
// of its own, as a client elsewhere would be: it must not share the
// server's heap and garbage collector. Reported: B's p50 and p99
// in each phase (µs), the ratio of the p99s, A's calls per second and the
// fraction of them refused. B is never refused (an error fails the
// benchmark). A's refused calls are not free: they still cross the
// transport and the interceptors on the same cores, so B's latency
// measures that cost plus any contention in the limiter.
func BenchmarkRateLimitIsolation(b *testing.B) {
	rate := limit.Rate{PerSecond: 200, Burst: 50}
	s := startBenchServer(b, Config{Limits: Limits{Unary: rate}})
	cb := gridwatchv1.NewGridServiceClient(dialFrom(b, s.addr, "127.0.0.3"))
	if _, err := cb.ListUnits(context.Background(), &gridwatchv1.ListUnitsRequest{}); err != nil {
		b.Fatal(err) // warms B's connection
	}
	b.ResetTimer()
	idle := pacedCalls(b, cb, b.N)
	a := startHammerProcess(b, s.addr)
	time.Sleep(200 * time.Millisecond) // A's burst long spent
	loaded := pacedCalls(b, cb, b.N)
	calls, refused, failures, elapsed := a.stop(b)
	b.StopTimer()
	if failures > 0 {
		b.Errorf("caller A: %d calls failed with neither OK nor RESOURCE_EXHAUSTED", failures)
	}
	b.ReportMetric(us(quantile(idle, 0.5)), "b-idle-p50-µs")
	b.ReportMetric(us(quantile(idle, 0.99)), "b-idle-p99-µs")
	b.ReportMetric(us(quantile(loaded, 0.5)), "b-loaded-p50-µs")
	b.ReportMetric(us(quantile(loaded, 0.99)), "b-loaded-p99-µs")
	b.ReportMetric(float64(quantile(loaded, 0.99))/float64(quantile(idle, 0.99)), "b-p99-ratio")
	b.ReportMetric(float64(calls)/elapsed.Seconds(), "a-calls/s")
	if calls > 0 {
		b.ReportMetric(100*float64(refused)/float64(calls), "a-refused-%")
	}
}

// pacedCalls makes n calls of c, one every *bInterval, and returns their
// latencies, sorted.
func pacedCalls(b *testing.B, c gridwatchv1.GridServiceClient, n int) []time.Duration {
	ds := make([]time.Duration, 0, n)
	tick := time.NewTicker(*bInterval)
	defer tick.Stop()
	for range n {
		<-tick.C
		t0 := time.Now()
		if _, err := c.ListUnits(context.Background(), &gridwatchv1.ListUnitsRequest{}); err != nil {
			b.Fatalf("caller B: %v", err)
		}
		ds = append(ds, time.Since(t0))
	}
	slices.Sort(ds)
	return ds
}

// hammer is caller A: goroutines calling back to back until stopped.
type hammer struct {
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	start    time.Time
	calls    atomic.Int64
	refused  atomic.Int64
	failures atomic.Int64 // neither OK nor RESOURCE_EXHAUSTED
}

// startHammer starts workers goroutines calling c, rate calls per second
// in all (0: back to back).
func startHammer(c gridwatchv1.GridServiceClient, workers int, rate float64) *hammer {
	ctx, cancel := context.WithCancel(context.Background())
	h := &hammer{cancel: cancel, start: time.Now()}
	for range workers {
		h.wg.Go(func() {
			var tick <-chan time.Time
			if rate > 0 {
				t := time.NewTicker(time.Duration(float64(workers) / rate * float64(time.Second)))
				defer t.Stop()
				tick = t.C
			}
			for ctx.Err() == nil {
				if tick != nil {
					<-tick
				}
				_, err := c.ListUnits(ctx, &gridwatchv1.ListUnitsRequest{})
				if ctx.Err() != nil {
					return
				}
				h.calls.Add(1)
				switch status.Code(err) {
				case codes.OK:
				case codes.ResourceExhausted:
					h.refused.Add(1)
				default:
					h.failures.Add(1)
				}
			}
		})
	}
	return h
}

// stop stops A and returns its calls, how many were refused, and for how
// long it ran.
func (h *hammer) stop() (calls, refused int64, elapsed time.Duration) {
	elapsed = time.Since(h.start)
	h.cancel()
	h.wg.Wait()
	return h.calls.Load(), h.refused.Load(), elapsed
}

// us is d in microseconds.
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
