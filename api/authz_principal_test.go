package api

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// Test principals. Test calls authenticate with real tokens (withRole:
// inScope of the role; none: testOperator). The authorisation matrix also
// calls as principals no token could carry (a dispatcher of no unit, say):
// test servers run testAuthn right after the real authentication, which
// puts the principal a call names (asPrincipal) on the context for the
// real authorizer after it.

// testPrincipalKey is the metadata key of a test's principal, as JSON.
const testPrincipalKey = "x-test-principal"

// testOperator is the caller of a test call that names no principal and
// no role: an admin, so that tests of other things than authorisation
// (imports, validation) run as before. Tests of what a role may do say
// the role.
var testOperator = auth.Principal{Subject: "test-admin", Role: RoleAdmin}

// The scope of the test fixtures: the station hp-st (under the district hp
// and the city sy of testUnits), its community grid scopeGrid covering
// the presence and dispatch tests' area, and grid a of threeGrids.
const (
	testUnit  = "hp-st"
	scopeGrid = "hp-c"
)

// inScope returns the principal of a test calling with role (withRole):
// one whose scope holds the fixtures, named after the role.
func inScope(role Role) auth.Principal {
	p := auth.Principal{Subject: role.String(), Role: role}
	switch role {
	case RoleOfficer:
		p.Grids = []string{"a", scopeGrid}
	case RoleStationChief, RoleDispatcher:
		p.Units = []string{testUnit}
	}
	return p
}

// asPrincipal returns ctx sending p as the caller.
func asPrincipal(ctx context.Context, p auth.Principal) context.Context {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return metadata.AppendToOutgoingContext(ctx, testPrincipalKey, string(b))
}

// asResponder returns ctx calling as responder id, a volunteer.
func asResponder(ctx context.Context, id string) context.Context {
	return asPrincipal(ctx, auth.Principal{Subject: id, Role: RoleVolunteer})
}

// principalHeader returns the HTTP header and value sending p through the
// gateway.
func principalHeader(p auth.Principal) (string, string) {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return "Grpc-Metadata-" + testPrincipalKey, string(b)
}

// asResponderHandler returns h with every request sent as responder id,
// a volunteer.
func asResponderHandler(h http.Handler, id string) http.Handler {
	k, v := principalHeader(auth.Principal{Subject: id, Role: RoleVolunteer})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set(k, v)
		h.ServeHTTP(w, r)
	})
}

// testAuthn replaces the principal of the real authentication with the
// principal of testPrincipalKey when a call sends one (asPrincipal: any
// principal, also ones no token could carry); else the token's stands
// (withRole: inScope of the role; none: testOperator).
type testAuthn struct{}

func (testAuthn) principal(ctx context.Context) (context.Context, error) {
	if v := metadata.ValueFromIncomingContext(ctx, testPrincipalKey); len(v) > 0 {
		var p auth.Principal
		if err := json.Unmarshal([]byte(v[0]), &p); err != nil {
			return ctx, status.Errorf(codes.Unauthenticated, "test principal: %v", err)
		}
		return auth.NewContext(ctx, p), nil
	}
	return ctx, nil // the token's principal
}

func (a testAuthn) unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, err := a.principal(ctx)
	if err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

func (a testAuthn) stream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx, err := a.principal(ss.Context())
	if err != nil {
		return err
	}
	return handler(srv, contextStream{ServerStream: ss, ctx: ctx})
}

// testInterceptors returns Interceptors(cfg) with testAuthn right after
// the first, the authentication.
func testInterceptors(cfg Config) ([]grpc.UnaryServerInterceptor, []grpc.StreamServerInterceptor) {
	if cfg.Auth == (Authentication{}) {
		cfg.Auth = testAuth()
	}
	unary, stream := Interceptors(cfg)
	var a testAuthn
	unary = append(unary[:1:1], append([]grpc.UnaryServerInterceptor{a.unary}, unary[1:]...)...)
	stream = append(stream[:1:1], append([]grpc.StreamServerInterceptor{a.stream}, stream[1:]...)...)
	return unary, stream
}

// scopeGridJSON is scopeGrid: a community grid of hp-st from 41.75°N
// 123.35°E to 41.85°N 123.50°E, around scene and threeGrids.
var scopeGridJSON = collection(squareLatLng(scopeGrid, 41.75, 123.35, 0.10, 0.15, `"unit":"`+testUnit+`"`))

// squareLatLng is square with sides of dlat and dlng degrees.
func squareLatLng(id string, lat, lng, dlat, dlng float64, props string) string {
	if props != "" {
		props = "," + props
	}
	b, _ := json.Marshal([][][2]float64{{{lng, lat}, {lng + dlng, lat}, {lng + dlng, lat + dlat}, {lng, lat + dlat}, {lng, lat}}})
	return `{"type":"Feature","properties":{"id":"` + id + `"` + props + `},"geometry":{"type":"Polygon","coordinates":` + string(b) + `}}`
}

// mustImportScope imports scopeGrid.
func (e *env) mustImportScope(t *testing.T) {
	t.Helper()
	e.mustImportGrids(t, gridwatchv1.GridKind_GRID_KIND_COMMUNITY, scopeGridJSON)
}
