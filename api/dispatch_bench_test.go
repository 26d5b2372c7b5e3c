package api

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// The dispatch latency target: from CreateIncident to the first
// offer arriving on a responder's stream, p99 ≤ 5 ms on the memory engine
// and ≤ 15 ms on the redis engine, while 10,000 location updates per
// second flow in.
//
//	go test -run '^$' -bench DispatchFirstOffer -benchtime 2000x -count 3 ./api/
//
// -dispatch-fleet and -dispatch-load change the fleet and the load.
var (
	dispatchFleet = flag.Int("dispatch-fleet", 60_000,
		"BenchmarkDispatchFirstOffer: responders on shift over Shenyang's urban districts")
	dispatchLoad = flag.Int("dispatch-load", 10_000,
		"BenchmarkDispatchFirstOffer: location updates per second flowing in while it measures")
)

// dispatchSink is the dispatch service's event sink, as gridwatchd builds
// it: with the memory engine the Broadcaster feeding the Watch streams of
// this process; with the redis engine store/redis's event bus (so that
// every instance streams them), whose reader relays them to the
// Broadcaster until b ends.
func dispatchSink(b *testing.B, eng dispatchEngine, events *Broadcaster) dispatch.EventSink {
	if eng.events == nil {
		return events
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = eng.events.Run(ctx, events) })
	b.Cleanup(func() { cancel(); wg.Wait() })
	return eng.events
}

// BenchmarkDispatchFirstOffer measures, per engine, the time from sending
// CreateIncident to the first OFFERED event of that incident arriving on
// a responder's WatchOffers stream, every call over the real gRPC
// transport. The fleet (-dispatch-fleet, 60,000 by default) is on shift
// and available over Shenyang's urban districts; every responder of a
// central box of about 58 km² holds a stream, and incidents fall where all
// their candidates are in that box. A paced load of -dispatch-load
// location updates per second (10,000) moves the responders outside the
// box over ReportLocations meanwhile. Each iteration creates one incident
// (noise, severity 2: a local from the 1-minute circle, widening when it
// has none, and a patrol from the 3-minute circle) and, outside the timed
// section, cancels it, revoking its offers. It reports the percentiles of
// all iterations and the load achieved.
func BenchmarkDispatchFirstOffer(b *testing.B) {
	for _, engine := range []string{"memory", "redis"} {
		b.Run("engine="+engine, func(b *testing.B) {
			setup := time.Now()
			f := startDispatchBench(b, openDispatchEngine(b, engine))
			watched, moving := split(f.populate(b, *dispatchFleet))
			f.watchAll(b, watched)
			load := startLoad(b, f.dial(b), moving, *dispatchLoad)
			b.Logf("%s: %d responders, %d streams, %d moving; set up in %v",
				engine, *dispatchFleet, len(watched), len(moving), time.Since(setup).Round(time.Millisecond))
			time.Sleep(time.Second) // let the load settle
			f.measure(b, load)
			b.ReportMetric(float64(len(watched)), "streams")
		})
	}
}

// measure runs the iterations and reports their percentiles and the load.
func (f *dispatchBench) measure(b *testing.B, load *locationLoad) {
	ctx := withRole(context.Background(), "dispatcher")
	rng := rand.New(rand.NewPCG(7, 8))
	lat := make([]time.Duration, 0, 4096)
	start, acked := time.Now(), load.acked.Load()
	for i := 0; b.Loop(); i++ {
		lat = append(lat, f.firstOffer(ctx, b, rng, fmt.Sprintf("bench-%d", i)))
	}
	elapsed, acked := time.Since(start), load.acked.Load()-acked
	load.stop()
	if n := f.dropped.Load(); n > 0 {
		b.Fatalf("%d WatchOffers streams ended early", n)
	}
	if n := load.failed.Load(); n > 0 {
		b.Fatalf("%d location updates not applied", n)
	}
	slices.Sort(lat)
	for _, p := range []struct {
		unit string
		q    float64
	}{{"p50-ms", 0.50}, {"p90-ms", 0.90}, {"p99-ms", 0.99}, {"max-ms", 1}} {
		b.ReportMetric(ms(quantile(lat, p.q)), p.unit)
	}
	b.ReportMetric(float64(acked)/elapsed.Seconds(), "updates/s")
}

// firstOffer creates an incident at a random scene and returns the time
// until its first offer reached a phone; then, untimed, cancels it.
// CreateIncident answers once every slot is offered, and its answer lists
// the offers made.
func (f *dispatchBench) firstOffer(ctx context.Context, b *testing.B, rng *rand.Rand, requestID string) time.Duration {
	req := &gridwatchv1.CreateIncidentRequest{RequestId: requestID, CallerPhone: benchCallerPhone,
		Incident: &gridwatchv1.Incident{Category: benchIncidentCategory, Severity: benchIncidentSeverity,
			Position: latLngToProto(incidentScene(rng)), Source: gridwatchv1.IncidentSource_INCIDENT_SOURCE_CALL_110,
			Address: "和平区 1 号"}}
	t0 := time.Now()
	inc, err := f.client.CreateIncident(ctx, req)
	if err != nil {
		b.Fatalf("CreateIncident: %v", err)
	}
	d := f.awaitOffer(b, requestID, len(inc.GetOffers())).Sub(t0)
	b.StopTimer()
	_, err = f.client.CancelIncident(ctx, &gridwatchv1.CancelIncidentRequest{Name: inc.GetName(), Reason: "benchmark"})
	if err != nil {
		b.Fatalf("CancelIncident: %v", err)
	}
	b.StartTimer()
	return d
}

// awaitOffer waits for the n offers of the incident of requestID and
// returns when the first of them arrived, passing over the later offers of
// earlier incidents. The offers of one incident travel on different
// streams and connections: the one read first from f.offers need not be
// the one that arrived first.
func (f *dispatchBench) awaitOffer(b *testing.B, requestID string, n int) time.Time {
	if n == 0 {
		b.Fatalf("%s: no offer made", requestID)
	}
	timeout := time.NewTimer(offerWait)
	defer timeout.Stop()
	var first time.Time
	for n > 0 {
		select {
		case o := <-f.offers:
			if o.requestID != requestID {
				continue
			}
			if first.IsZero() || o.at.Before(first) {
				first = o.at
			}
			n--
		case <-timeout.C:
			b.Fatalf("%s: %d offers missing on the streams after %v", requestID, n, offerWait)
		}
	}
	return first
}

// quantile returns the q-quantile of sorted ds by the nearest rank.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(ds)))) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// locationLoad sends location updates at a fixed rate over loadStreams
// ReportLocations streams and counts the acknowledgements.
type locationLoad struct {
	acked  atomic.Int64 // updates acknowledged as applied
	failed atomic.Int64 // updates acknowledged otherwise
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// startLoad moves the responders of moving, round robin, rate updates per
// second in all, on one connection of its own. It stops when b ends.
func startLoad(b *testing.B, conn *grpc.ClientConn, moving []fleetMember, rate int) *locationLoad {
	b.Helper()
	if len(moving) < loadStreams {
		b.Fatalf("%d responders to move, want at least %d", len(moving), loadStreams)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &locationLoad{cancel: cancel}
	b.Cleanup(l.stop)
	cl := gridwatchv1.NewPresenceServiceClient(conn)
	for s := range loadStreams {
		stream, err := cl.ReportLocations(ctx)
		if err != nil {
			b.Fatalf("ReportLocations: %v", err)
		}
		share := moving[s*len(moving)/loadStreams : (s+1)*len(moving)/loadStreams]
		l.wg.Go(func() { l.send(ctx, stream, share, float64(rate)/loadStreams) })
		l.wg.Go(func() { l.count(stream) })
	}
	return l
}

// stop ends the load and waits for its goroutines.
func (l *locationLoad) stop() {
	l.once.Do(func() { l.cancel(); l.wg.Wait() })
}

// send paces the updates: every loadTick it sends those due since the
// start at rate per second, each a few metres from the responder's place
// with the current fix time, reusing one request.
func (l *locationLoad) send(ctx context.Context, stream gridwatchv1.PresenceService_ReportLocationsClient, fleet []fleetMember, rate float64) {
	pos, fix := &gridwatchv1.LatLng{}, &timestamppb.Timestamp{}
	req := &gridwatchv1.ReportLocationsRequest{Update: &gridwatchv1.LocationUpdate{Position: pos, FixTime: fix, AccuracyM: 5}}
	t := time.NewTicker(loadTick)
	defer t.Stop()
	start, sent := time.Now(), 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for due := int(rate * time.Since(start).Seconds()); sent < due; sent++ {
			m, wiggle, now := fleet[sent%len(fleet)], float64(sent%7-3)*1e-5, time.Now()
			req.Responder, req.Sequence = m.name, int64(sent)
			pos.Latitude, pos.Longitude = m.pos.Lat+wiggle, m.pos.Lng-wiggle
			fix.Seconds, fix.Nanos = now.Unix(), int32(now.Nanosecond())
			if err := stream.Send(req); err != nil {
				return
			}
		}
	}
}

// count counts the stream's acknowledgements until it ends.
func (l *locationLoad) count(stream gridwatchv1.PresenceService_ReportLocationsClient) {
	for {
		resp, err := stream.Recv()
		if err != nil {
			return
		}
		for _, ack := range resp.GetAcks() {
			if ack.GetResult() == gridwatchv1.LocationResult_LOCATION_RESULT_APPLIED {
				l.acked.Add(1)
			} else {
				l.failed.Add(1)
			}
		}
	}
}
