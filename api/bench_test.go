package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/gridwatch/gridwatch/audit"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/presence/presencetest"
	"github.com/gridwatch/gridwatch/server"
	"github.com/gridwatch/gridwatch/store/memory"
)

// The benchmarks run the whole server (package server: demultiplexed port,
// interceptors with the audit trail, health) with the API over the memory
// engine, on a real loopback port; client and server share the machine.
//
//	go test -run '^$' -bench . -benchtime 3s ./api/

// benchCity is where the benchmarks put responders and ask for them:
// uniformly over Shenyang's nine urban districts (about 16 per km² at
// 60,000), as the performance targets are stated.
var (
	benchCityOnce sync.Once
	benchCity     *presencetest.Area
)

func city(b *testing.B) *presencetest.Area {
	benchCityOnce.Do(func() { benchCity = presencetest.UrbanDistricts(b, "../testdata/shenyang/districts.geojson") })
	return benchCity
}

// benchServer serves the API on a loopback port.
type benchServer struct {
	addr string // the loopback port
	conn *grpc.ClientConn
	svc  *grid.Service
	pres *presence.Service
}

func startBenchServer(b testing.TB, cfg Config) *benchServer {
	b.Helper()
	svc, err := grid.NewService(memory.New(), grid.Config{}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	// Positions stay fresh however long the benchmark runs.
	pres, err := presence.NewService(memory.NewPresence(), svc, svc, presence.Config{StaleAfter: time.Hour}, nil)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Grid = svc
	if cfg.Audit == nil { // as gridwatchd: every dispatcher search is recorded
		cfg.Audit = audit.NewRecorder(memory.NewAudit(), nil)
	}
	importBenchScope(b, svc)
	addr := serveBench(b, nil, svc, pres, cfg)
	conn, err := grpc.NewClient(addr,
		append(withDefaultToken(), grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close() })
	return &benchServer{addr: addr, conn: conn, svc: svc, pres: pres}
}

// serveBench serves the API of svc, pres and cfg, with the test
// interceptors, on a loopback port until the benchmark ends, running also
// each of also with the serving context; it returns the address.
func serveBench(b testing.TB, log *slog.Logger, svc *grid.Service, pres *presence.Service, cfg Config,
	also ...func(ctx context.Context)) string {
	b.Helper()
	unary, stream := testInterceptors(cfg)
	srv, err := server.New(server.Config{}, log, server.Registrar{
		Register: func(s *grpc.Server) { Register(s, svc, pres, cfg) },
		Unary:    unary,
		Stream:   stream,
		Gateway:  RegisterGateway,
	})
	if err != nil {
		b.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = srv.Serve(ctx, lis) })
	for _, f := range also {
		wg.Go(func() { f(ctx) })
	}
	b.Cleanup(func() { cancel(); wg.Wait() })
	return lis.Addr().String()
}

// place puts n synthetic responders ("b00001"…) on shift at random points,
// through the domain: setting up is not what is measured.
func (s *benchServer) place(b *testing.B, n int) []string {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	var csv strings.Builder
	csv.WriteString("id,kind,travel_mode\n")
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("b%05d", i+1)
		r := presencetest.CityResponder(rng, ids[i])
		fmt.Fprintf(&csv, "%s,%s,%s\n", ids[i], r.Kind, r.TravelMode)
	}
	if _, err := s.svc.ImportResponders(ctx, grid.Upload{Data: []byte(csv.String())}); err != nil {
		b.Fatal(err)
	}
	us := make([]presence.Update, n)
	for i, id := range ids {
		if _, err := s.pres.StartShift(ctx, id); err != nil {
			b.Fatal(err)
		}
		us[i] = presence.Update{ResponderID: id, Position: city(b).Point(rng), AccuracyM: 5, FixTime: time.Now()}
	}
	for i, err := range s.pres.ReportBatch(ctx, us) {
		if err != nil {
			b.Fatalf("placing %s: %v", ids[i], err)
		}
	}
	return ids
}

// p50 returns the median of ds in microseconds.
func p50(ds []time.Duration) float64 {
	slices.Sort(ds)
	return float64(ds[len(ds)/2]) / float64(time.Microsecond)
}

// BenchmarkGRPC compares a FindResponders call over 60,000 responders with
// the emptiest unary call, grpc.health.v1 Check, on the same server; both
// report their median latency, and find-responders the ratio of the two.
// The floor sub-benchmarks time, at the same points, the two parts of a
// find that no server can skip: the search itself (the presence service,
// no API) and encoding plus decoding its reply. floor-ratio is
// (empty + search + codec) / empty, the least ratio a server adding nothing
// else could reach here.
func BenchmarkGRPC(b *testing.B) {
	s := startBenchServer(b, Config{})
	s.place(b, 60_000)
	health := healthpb.NewHealthClient(s.conn)
	pres := gridwatchv1.NewPresenceServiceClient(s.conn)
	ctx := withRole(context.Background(), "dispatcher")
	// Steady state: 4,096 query points over the city, each asked once
	// before timing so that the engine's per-cell search disks are built.
	rng := rand.New(rand.NewPCG(3, 4))
	reqs := make([]*gridwatchv1.FindRespondersRequest, 4096)
	replies := make([]*gridwatchv1.FindRespondersResponse, len(reqs))
	for i := range reqs {
		reqs[i] = &gridwatchv1.FindRespondersRequest{Point: latLngToProto(city(b).Point(rng))}
		var err error
		if replies[i], err = pres.FindResponders(ctx, reqs[i]); err != nil {
			b.Fatal(err)
		}
	}
	var emptyP50, searchP50 float64
	b.Run("empty-unary", func(b *testing.B) {
		emptyP50 = timeP50(b, func(int) error {
			_, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
			return err
		})
	})
	b.Run("find-responders", func(b *testing.B) {
		found := 0
		p := timeP50(b, func(i int) error {
			resp, err := pres.FindResponders(ctx, reqs[i%len(reqs)])
			for _, c := range resp.GetCircles() {
				found += len(c.GetResponders())
			}
			return err
		})
		b.ReportMetric(float64(found)/float64(b.N), "responders/op")
		if emptyP50 > 0 {
			b.ReportMetric(p/emptyP50, "p50-ratio")
		}
	})
	b.Run("floor-search", func(b *testing.B) {
		searchP50 = timeP50(b, func(i int) error {
			_, err := s.pres.FindResponders(context.Background(), presence.Query{Point: latLngFromProto(reqs[i%len(reqs)].GetPoint())})
			return err
		})
	})
	b.Run("floor-codec", func(b *testing.B) {
		p := timeP50(b, func(i int) error { return codecRoundTrip(replies[i%len(replies)]) })
		if emptyP50 > 0 && searchP50 > 0 {
			b.ReportMetric((emptyP50+searchP50+p)/emptyP50, "floor-ratio")
		}
	})
}

// timeP50 times call(i) for i = 0, 1, … and reports the median latency.
func timeP50(b *testing.B, call func(i int) error) float64 {
	ds := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		t0 := time.Now()
		if err := call(i); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
		i++
	}
	p := p50(ds)
	b.ReportMetric(p, "p50-µs")
	return p
}

// codecRoundTrip does to a FindResponders reply what gRPC does to it on
// the way: the server encodes it, the client decodes it.
func codecRoundTrip(reply *gridwatchv1.FindRespondersResponse) error {
	buf, err := proto.Marshal(reply)
	if err != nil {
		return err
	}
	var out gridwatchv1.FindRespondersResponse
	return proto.Unmarshal(buf, &out)
}

// Stream ingest: benchStreams streams, each keeping benchWindow updates
// in flight, over benchResponders responders.
const (
	benchStreams    = 8
	benchWindow     = 256
	benchResponders = 8000
)

// BenchmarkStreamIngest measures location updates per second over
// ReportLocations, acknowledged one per response and batched.
func BenchmarkStreamIngest(b *testing.B) {
	for _, acks := range []int{1, defaultAckBatch} {
		b.Run(fmt.Sprintf("acks-per-response=%d", acks), func(b *testing.B) {
			s := startBenchServer(b, Config{streamAckBatch: acks})
			ids := s.place(b, benchResponders)
			cl := gridwatchv1.NewPresenceServiceClient(s.conn)
			b.ResetTimer()
			var wg sync.WaitGroup
			for i := range benchStreams {
				n := b.N / benchStreams
				if i < b.N%benchStreams {
					n++
				}
				wg.Go(func() { benchStream(b, cl, ids[i*len(ids)/benchStreams:(i+1)*len(ids)/benchStreams], n) })
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}

// benchStream sends n updates of ids on one stream, at most benchWindow
// unacknowledged, and waits for every ack.
func benchStream(b *testing.B, cl gridwatchv1.PresenceServiceClient, ids []string, n int) {
	stream, err := cl.ReportLocations(context.Background())
	if err != nil {
		b.Error(err)
		return
	}
	tokens := make(chan struct{}, benchWindow)
	go benchSend(b, stream, ids, n, tokens)
	acked := 0
	for {
		resp, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Error(err)
			return
		}
		for _, ack := range resp.GetAcks() {
			if ack.GetResult() != gridwatchv1.LocationResult_LOCATION_RESULT_APPLIED {
				b.Errorf("ack %v", ack)
			}
			acked++
			<-tokens
		}
	}
	if acked != n {
		b.Errorf("got %d acks, want %d", acked, n)
	}
}

// benchSend sends n updates of ids round robin, taking a token for each,
// reusing one request: Send has serialised it when it returns.
func benchSend(b *testing.B, stream gridwatchv1.PresenceService_ReportLocationsClient, ids []string, n int, tokens chan struct{}) {
	pos, fix := &gridwatchv1.LatLng{}, &timestamppb.Timestamp{}
	req := &gridwatchv1.ReportLocationsRequest{Update: &gridwatchv1.LocationUpdate{Position: pos, FixTime: fix}}
	names := make([]string, len(ids))
	bases := make([]geo.LatLng, len(ids))
	rng := rand.New(rand.NewPCG(5, 6))
	for i, id := range ids {
		names[i], bases[i] = "responders/"+id, city(b).Point(rng)
	}
	for i := range n {
		tokens <- struct{}{}
		// Phones report every few seconds: a few metres apart.
		p, wiggle, now := bases[i%len(ids)], float64(i%7-3)*1e-5, time.Now()
		req.Responder, req.Sequence = names[i%len(names)], int64(i)
		pos.Latitude, pos.Longitude = p.Lat+wiggle, p.Lng-wiggle
		fix.Seconds, fix.Nanos = now.Unix(), int32(now.Nanosecond())
		if err := stream.Send(req); err != nil {
			b.Error(err)
			return
		}
	}
	_ = stream.CloseSend()
}

// importBenchScope imports testUnits and four community grids of hp-st,
// at resolution 7, over the whole city, through the domain: the scope of
// the benchmarks' dispatchers (withRole, inScope), which the authorizer
// looks up on every call as it would in production.
func importBenchScope(b testing.TB, svc *grid.Service) {
	b.Helper()
	ctx := context.Background()
	if _, err := svc.ImportUnits(ctx, grid.Upload{Data: []byte(testUnits)}); err != nil {
		b.Fatal(err)
	}
	var quarters []string
	for i := range 4 {
		quarters = append(quarters, squareLatLng(fmt.Sprintf("%s-%d", scopeGrid, i), 41.2+0.55*float64(i/2), 122.8+0.6*float64(i%2),
			0.55, 0.6, `"unit":"`+testUnit+`"`))
	}
	box := collection(quarters...)
	if _, err := svc.ImportGrids(ctx, grid.GridImport{Kind: grid.Community, Resolution: 7, GeoJSON: []byte(box)}); err != nil {
		b.Fatal(err)
	}
}
