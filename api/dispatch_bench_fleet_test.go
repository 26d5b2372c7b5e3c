package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/presence/presencetest"
	"github.com/gridwatch/gridwatch/store/memory"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
)

// The setting of BenchmarkDispatchFirstOffer: a gridwatchd wired as in
// cmd/gridwatchd on a loopback port, a fleet over Shenyang's urban
// districts, a WatchOffers stream for every responder of the watched box,
// and location updates flowing in for the rest of the city.

// The watched box, centred on Heping and Shenhe: about 7.8 × 7.5 km.
// Incidents fall in the inner box, which keeps more than the longest reach
// of the outer circle (5 minutes by car: 300 s × 30 km/h / 1.3 ≈ 1.9 km)
// from every edge, so every candidate of an incident holds a stream.
const (
	watchLat, watchLng       = 41.80, 123.42
	watchHalfLat             = 0.035 // ≈ 3.9 km
	watchHalfLng             = 0.045 // ≈ 3.7 km at 41.8° N
	sceneHalfLat             = 0.015 // inner box: 2.2 km (lat) from the edges
	sceneHalfLng             = 0.018 // 2.2 km (lng) from the edges
	loadMarginDeg            = 0.002 // load responders stay this far outside the watched box
	watchConns               = 8     // client connections carrying the WatchOffers streams
	loadStreams              = 16    // ReportLocations streams carrying the load
	loadTick                 = 10 * time.Millisecond
	populateWorkers          = 8
	dispatchTick             = 500 * time.Millisecond // gridwatchd's -dispatch-tick default
	benchCallerPhone         = "+86 138 0000 0000"
	benchIncidentCategory    = "noise"
	benchIncidentSeverity    = 2
	offerWait                = 10 * time.Second
	dispatchBenchFleetPrefix = "f"
)

// dispatchEngine holds one engine's stores.
type dispatchEngine struct {
	name     string
	grid     grid.Store
	presence presence.Store
	dispatch dispatch.Store
	events   *redisstore.Events // the redis engine's event bus; nil in memory
	audit    audit.Store
}

// openDispatchEngine returns the stores of engine "memory" or "redis"
// (a redis-server of internal/redistest, stopped when b ends).
func openDispatchEngine(b *testing.B, name string) dispatchEngine {
	b.Helper()
	switch name {
	case "memory":
		return dispatchEngine{name: name, grid: memory.New(), presence: memory.NewPresence(),
			dispatch: memory.NewDispatch(), audit: memory.NewAudit()}
	case "redis":
		client := redistest.New(b)
		o := redisstore.Options{Client: client, Prefix: redistest.Prefix(b)}
		// The bus's own client never retries, as in gridwatchd.
		busOpts := *client.Options()
		busOpts.MaxRetries, busOpts.ContextTimeoutEnabled = -1, true
		bus := goredis.NewClient(&busOpts)
		b.Cleanup(func() { _ = bus.Close() })
		return dispatchEngine{name: name, grid: redisstore.New(o), presence: redisstore.NewPresence(o),
			dispatch: redisstore.NewDispatch(o), audit: redisstore.NewAudit(o),
			events: redisstore.NewEvents(redisstore.Options{Client: bus, Prefix: o.Prefix}, redisstore.EventsConfig{}, nil)}
	}
	b.Fatalf("unknown engine %q", name)
	return dispatchEngine{}
}

// dispatchBench is a running server and the clients of the benchmark.
type dispatchBench struct {
	addr  string
	grids *grid.Service
	pres  *presence.Service
	// client is the dispatcher's connection, apart from the phones'.
	client gridwatchv1.DispatchServiceClient
	// offers receives every OFFERED event of the watched streams.
	offers  chan offerSeen
	dropped atomic.Int64 // watched streams that ended early
}

// offerSeen is an OFFERED event as a phone received it.
type offerSeen struct {
	requestID string    // of the incident
	at        time.Time // when Recv returned it
}

// startDispatchBench serves every service over eng as gridwatchd does:
// the server package's interceptors and the API's (with test principals,
// testInterceptors: the authorizer decides every call, the dispatcher's
// scope covering the city), a JSON logger at Info (discarded), the
// dispatch ticker, and the event sink of dispatchSink.
func startDispatchBench(b *testing.B, eng dispatchEngine) *dispatchBench {
	b.Helper()
	log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	svc, err := grid.NewService(eng.grid, grid.Config{}, log)
	if err != nil {
		b.Fatal(err)
	}
	// Watched responders send no updates: their positions stay fresh.
	pres, err := presence.NewService(eng.presence, svc, svc, presence.Config{StaleAfter: time.Hour}, log)
	if err != nil {
		b.Fatal(err)
	}
	events := NewBroadcaster(0)
	disp, err := dispatch.NewService(eng.dispatch, pres, pres, dispatch.Config{
		CallerKey: bytes.Repeat([]byte{7}, dispatch.MinCallerKeyBytes), Sink: dispatchSink(b, eng, events)}, log)
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{Logger: log, Grid: svc, Dispatch: disp, Events: events, Arrivals: disp,
		Audit: audit.NewRecorder(eng.audit, nil)}
	importBenchScope(b, svc)
	addr := serveBench(b, log, svc, pres, cfg, func(ctx context.Context) { tickDispatch(ctx, disp) })
	f := &dispatchBench{addr: addr, grids: svc, pres: pres, offers: make(chan offerSeen, 4096)}
	f.client = gridwatchv1.NewDispatchServiceClient(f.dial(b))
	return f
}

// tickDispatch calls disp.Tick every dispatchTick until ctx ends, as
// gridwatchd's ticker does.
func tickDispatch(ctx context.Context, disp *dispatch.Service) {
	t := time.NewTicker(dispatchTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = disp.Tick(ctx)
		}
	}
}

// dial opens a client connection to the server, closed when b ends.
func (f *dispatchBench) dial(b *testing.B) *grpc.ClientConn {
	b.Helper()
	conn, err := grpc.NewClient(f.addr,
		append(withDefaultToken(), grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close() })
	return conn
}

// fleetMember is one responder of the fleet where it was placed.
type fleetMember struct {
	name string // "responders/f00001"
	pos  geo.LatLng
}

// populate puts n responders of the city's mix on shift, available, at
// uniform points of the urban districts: the roster in one import, shifts
// and first positions through the presence service from a few goroutines
// (setting up is not what is measured).
func (f *dispatchBench) populate(b *testing.B, n int) []fleetMember {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	var csv strings.Builder
	csv.WriteString("id,kind,travel_mode\n")
	ids, fleet := make([]string, n), make([]fleetMember, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s%05d", dispatchBenchFleetPrefix, i+1)
		r := presencetest.CityResponder(rng, ids[i])
		fmt.Fprintf(&csv, "%s,%s,%s\n", ids[i], r.Kind, r.TravelMode)
		fleet[i] = fleetMember{name: "responders/" + ids[i], pos: city(b).Point(rng)}
	}
	if _, err := f.grids.ImportResponders(ctx, grid.Upload{Data: []byte(csv.String())}); err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, populateWorkers)
	for w := range populateWorkers {
		lo, hi := w*n/populateWorkers, (w+1)*n/populateWorkers
		wg.Go(func() { errs[w] = f.place(ctx, ids[lo:hi], fleet[lo:hi]) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	return fleet
}

// place starts the shifts of ids and reports their positions, fleet[i]
// being ids[i]'s.
func (f *dispatchBench) place(ctx context.Context, ids []string, fleet []fleetMember) error {
	us := make([]presence.Update, len(ids))
	for i, id := range ids {
		if _, err := f.pres.StartShift(ctx, id); err != nil {
			return err
		}
		us[i] = presence.Update{ResponderID: id, Position: fleet[i].pos, AccuracyM: 5, FixTime: time.Now()}
	}
	for i, err := range f.pres.ReportBatch(ctx, us) {
		if err != nil {
			return fmt.Errorf("placing %s: %w", ids[i], err)
		}
	}
	return nil
}

// inBox reports whether p lies within the box of half sizes hLat, hLng
// around the watched centre.
func inBox(p geo.LatLng, hLat, hLng float64) bool {
	return p.Lat >= watchLat-hLat && p.Lat <= watchLat+hLat && p.Lng >= watchLng-hLng && p.Lng <= watchLng+hLng
}

// split returns the fleet's watched responders (inside the watched box)
// and the ones the load moves (well outside it).
func split(fleet []fleetMember) (watched, moving []fleetMember) {
	for _, m := range fleet {
		switch {
		case inBox(m.pos, watchHalfLat, watchHalfLng):
			watched = append(watched, m)
		case !inBox(m.pos, watchHalfLat+loadMarginDeg, watchHalfLng+loadMarginDeg):
			moving = append(moving, m)
		}
	}
	return watched, moving
}

// incidentScene draws an incident's position in the inner box.
func incidentScene(rng *rand.Rand) geo.LatLng {
	return geo.LatLng{Lat: watchLat + (2*rng.Float64()-1)*sceneHalfLat, Lng: watchLng + (2*rng.Float64()-1)*sceneHalfLng}
}

// watchAll opens a WatchOffers stream for every watched responder, spread
// over watchConns connections, and waits until the server has subscribed
// each. The streams end when b does.
func (f *dispatchBench) watchAll(b *testing.B, watched []fleetMember) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	b.Cleanup(func() { cancel(); wg.Wait() })
	clients := make([]gridwatchv1.DispatchServiceClient, watchConns)
	for i := range clients {
		clients[i] = gridwatchv1.NewDispatchServiceClient(f.dial(b))
	}
	for i, m := range watched {
		st, err := clients[i%watchConns].WatchOffers(asResponder(ctx, strings.TrimPrefix(m.name, "responders/")),
			&gridwatchv1.WatchOffersRequest{Responder: m.name})
		if err != nil {
			b.Fatalf("WatchOffers(%s): %v", m.name, err)
		}
		if _, err := st.Header(); err != nil {
			b.Fatalf("WatchOffers(%s) header: %v", m.name, err)
		}
		wg.Go(func() { f.readOffers(ctx, st) })
	}
}

// readOffers hands the stream's OFFERED events to f.offers, stamped with
// the time they arrived, until the stream ends.
func (f *dispatchBench) readOffers(ctx context.Context, st gridwatchv1.DispatchService_WatchOffersClient) {
	for {
		m, err := st.Recv()
		if err != nil {
			if ctx.Err() == nil {
				f.dropped.Add(1)
			}
			return
		}
		at := time.Now()
		if m.GetEvent().GetType() != gridwatchv1.IncidentEventType_INCIDENT_EVENT_TYPE_OFFERED {
			continue
		}
		select {
		case f.offers <- offerSeen{requestID: m.GetIncident().GetRequestId(), at: at}:
		case <-ctx.Done():
			return
		}
	}
}
