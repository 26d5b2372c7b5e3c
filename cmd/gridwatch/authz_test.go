package main

import (
	"context"
	"testing"

	"google.golang.org/grpc"

	"github.com/gridwatch/gridwatch/api"
	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/grid"
)

// The CLI tests' server authenticates as gridwatchd does (the role the CLI
// sends, --role), and then scopedPrincipal gives the principal the scope
// of the test area, which the real authorizer after it decides on: a
// dispatcher, station chief or officer of the test area, until tokens
// carry scopes.

// testScopeUnits is the unit hierarchy of the test area.
const testScopeUnits = `id,type,name,parent
sy,city,沈阳市公安局,
hp,district,和平分局,sy
hp-st,station,和平派出所,hp
`

// testScopeGrid is a community grid of hp-st over the test area (41.70 to
// 41.90 N, 123.30 to 123.55 E).
const testScopeGrid = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"hp-c","unit":"hp-st"},
"geometry":{"type":"Polygon","coordinates":[[[123.30,41.70],[123.55,41.70],[123.55,41.90],[123.30,41.90],[123.30,41.70]]]}}]}`

// importTestScope imports the test area's units and grid through svc.
func importTestScope(t *testing.T, svc *grid.Service) {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.ImportUnits(ctx, grid.Upload{Data: []byte(testScopeUnits)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportGrids(ctx, grid.GridImport{Kind: grid.Community, GeoJSON: []byte(testScopeGrid)}); err != nil {
		t.Fatal(err)
	}
}

// scopedPrincipal gives the authenticated principal the test area's scope.
func scopedPrincipal(ctx context.Context) context.Context {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return ctx
	}
	switch p.Role {
	case auth.RoleOfficer:
		p.Grids = []string{"hp-c"}
	case auth.RoleStationChief, auth.RoleDispatcher:
		p.Units = []string{"hp-st"}
	}
	if p.Subject == "" {
		p.Subject = p.Role.String()
	}
	return auth.NewContext(ctx, p)
}

// scopedStream is a server stream whose context scopedPrincipal replaced.
type scopedStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s scopedStream) Context() context.Context { return s.ctx }

// testInterceptors returns api.Interceptors(cfg) with scopedPrincipal run
// right after the first, the authentication.
func testInterceptors(cfg api.Config) ([]grpc.UnaryServerInterceptor, []grpc.StreamServerInterceptor) {
	unary, stream := api.Interceptors(cfg)
	u := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		return h(scopedPrincipal(ctx), req)
	}
	s := func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		return h(srv, scopedStream{ServerStream: ss, ctx: scopedPrincipal(ss.Context())})
	}
	unary = append(unary[:1:1], append([]grpc.UnaryServerInterceptor{u}, unary[1:]...)...)
	stream = append(stream[:1:1], append([]grpc.StreamServerInterceptor{s}, stream[1:]...)...)
	return unary, stream
}
