package api

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/memory"
)

// testMaxImportBytes is the import cap of test servers.
const testMaxImportBytes = 64 << 10

// env is a server over a memory store and a client on a real transport.
type env struct {
	lis      *bufconn.Listener
	conn     *grpc.ClientConn
	grids    gridwatchv1.GridServiceClient
	roster   gridwatchv1.RosterServiceClient
	presence gridwatchv1.PresenceServiceClient
	dispatch gridwatchv1.DispatchServiceClient
	audit    gridwatchv1.AuditServiceClient
	events   *Broadcaster // of newDispatchEnv
}

// newEnv starts a gRPC server with the services over the memory engine on
// a bufconn listener and imports testUnits.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, Config{MaxImportBytes: testMaxImportBytes})
}

// newEnvWith is newEnv with the API's configuration cfg.
func newEnvWith(t *testing.T, cfg Config) *env {
	t.Helper()
	svc, pres := newServices(t)
	cfg.Grid = svc
	e := serve(t, cfg, func(s *grpc.Server) { Register(s, svc, pres, cfg) })
	e.mustImportUnits(t)
	return e
}

// newEnvChain starts the services over the memory engine, with the API's
// configuration cfg, behind the given interceptors instead of
// Interceptors' (imports nothing).
func newEnvChain(t *testing.T, cfg Config, unary []grpc.UnaryServerInterceptor, stream []grpc.StreamServerInterceptor) *env {
	t.Helper()
	svc, pres := newServices(t)
	cfg.Grid = svc
	return serveInterceptors(t, func(s *grpc.Server) { Register(s, svc, pres, cfg) }, unary, stream)
}

// newServices returns grid and presence services over fresh memory
// engines.
func newServices(t *testing.T) (*grid.Service, *presence.Service) {
	t.Helper()
	svc, err := grid.NewService(memory.New(), grid.Config{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	pres, err := presence.NewService(memory.NewPresence(), svc, svc, presence.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc, pres
}

// serve starts a gRPC server with the services register registers on a
// bufconn listener, behind the interceptors of cfg (testInterceptors:
// authenticating with testAuth unless cfg.Auth says otherwise), and
// returns clients of it whose calls send a token of testOperator unless
// they send their own (withRole, asPrincipal).
func serve(t *testing.T, cfg Config, register func(*grpc.Server)) *env {
	t.Helper()
	unary, stream := testInterceptors(cfg)
	return serveInterceptors(t, register, unary, stream)
}

// serveInterceptors is serve behind the given interceptors only, with
// health and reflection registered too.
func serveInterceptors(t *testing.T, register func(*grpc.Server), unary []grpc.UnaryServerInterceptor, stream []grpc.StreamServerInterceptor) *env {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(unary...), grpc.ChainStreamInterceptor(stream...))
	register(srv)
	healthpb.RegisterHealthServer(srv, health.NewServer())
	reflection.Register(srv)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	e := &env{lis: lis}
	conn := e.dial(t, withDefaultToken()...)
	e.conn = conn
	e.grids = gridwatchv1.NewGridServiceClient(conn)
	e.roster = gridwatchv1.NewRosterServiceClient(conn)
	e.presence = gridwatchv1.NewPresenceServiceClient(conn)
	e.dispatch = gridwatchv1.NewDispatchServiceClient(conn)
	e.audit = gridwatchv1.NewAuditServiceClient(conn)
	return e
}

// dial returns a new client connection to e's server, closed when t ends.
func (e *env) dial(t *testing.T, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient("passthrough:///bufconn", append(opts,
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return e.lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// testUnits is a city, a district and a station whose chief heads the
// chains of the test grids.
const testUnits = `id,type,name,parent,head_id,head_name
sy,city,沈阳市公安局,,p0,赵建国
hp,district,和平分局,sy,p1,黄敏
hp-st,station,和平派出所,hp,p2,胡强
`

// square is a GeoJSON feature: a square of side deg degrees with its
// south-west corner at (lat, lng), with extra properties.
func square(id string, lat, lng, deg float64, props string) string {
	ring := fmt.Sprintf("[[%[2]g,%[1]g],[%[4]g,%[1]g],[%[4]g,%[3]g],[%[2]g,%[3]g],[%[2]g,%[1]g]]",
		lat, lng, lat+deg, lng+deg)
	if props != "" {
		props = "," + props
	}
	return fmt.Sprintf(`{"type":"Feature","properties":{"id":%q%s},"geometry":{"type":"Polygon","coordinates":[%s]}}`,
		id, props, ring)
}

// collection is a FeatureCollection of features.
func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

// officers are the properties of a grid with a full chain below hp-st.
const officers = `"unit":"hp-st","officer_id":"p3","officer_name":"李洋",` +
	`"team_leader_id":"p4","team_leader_name":"周杰","deputy_chief_id":"p5","deputy_chief_name":"郭明"`

// threeGrids are three police grids side by side, about 1 km apart.
var threeGrids = collection(
	square("a", 41.80, 123.40, 0.005, officers),
	square("b", 41.80, 123.42, 0.005, `"name":"B 网格"`),
	square("c", 41.80, 123.44, 0.005, ""),
)

// mustImportUnits imports testUnits.
func (e *env) mustImportUnits(t *testing.T) {
	t.Helper()
	_, err := e.grids.ImportUnits(t.Context(), &gridwatchv1.ImportUnitsRequest{Data: testUnits})
	if err != nil {
		t.Fatalf("ImportUnits: %v", err)
	}
}

// mustImportGrids imports geojson as grids of kind.
func (e *env) mustImportGrids(t *testing.T, kind gridwatchv1.GridKind, geojson string) *gridwatchv1.ImportGridsResponse {
	t.Helper()
	resp, err := e.grids.ImportGrids(t.Context(), &gridwatchv1.ImportGridsRequest{Kind: kind, Geojson: geojson})
	if err != nil {
		t.Fatalf("ImportGrids: %v", err)
	}
	return resp
}

// fieldViolationsOf returns the fields of the BadRequest details of err.
func fieldViolationsOf(err error) []string {
	var fields []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	return fields
}

// wantInvalid fails unless err is INVALID_ARGUMENT whose first field
// violation is field.
func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	if got := status.Code(err); got != codes.InvalidArgument {
		t.Fatalf("code: got %v (%v), want InvalidArgument", got, err)
	}
	if got := fieldViolationsOf(err); len(got) == 0 || got[0] != field {
		t.Errorf("field violations: got %q, want %q first (%v)", got, field, err)
	}
}

// statusMessage returns the message of err's status.
func statusMessage(err error) string { return status.Convert(err).Message() }
