package api

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// signToken returns a compact JWS of claims signed by key: tokens Issue
// would not make.
func signToken(t *testing.T, key ed25519.PrivateKey, claims map[string]any) string {
	t.Helper()
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]string{"alg": "EdDSA", "typ": "JWT",
		"kid": auth.KeyID(key.Public().(ed25519.PublicKey))})
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signed := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
	return signed + "." + enc.EncodeToString(ed25519.Sign(key, []byte(signed)))
}

// badCredentials are authorization values the API refuses
// UNAUTHENTICATED, by name; nil sends none.
func badCredentials(t *testing.T) map[string][]string {
	t.Helper()
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	strangers, _ := auth.NewKeyRing(stranger)
	disp := testPrincipal("dispatcher")
	wrongKey, _, _ := strangers.Issue(disp, time.Now(), time.Hour)
	expired, _, _ := testKeys().Issue(disp, time.Now().Add(-48*time.Hour), time.Hour)
	notYet, _, _ := testKeys().Issue(disp, time.Now().Add(time.Hour), time.Hour)
	good := tokenFor(disp)
	parts := strings.Split(good, ".")
	admin := tokenFor(testPrincipal("admin"))
	now := time.Now().Unix()
	rating := signToken(t, testSigningKey(), map[string]any{"iss": "gridwatch", "sub": "citizen",
		"gw_role": "volunteer", "gw_units": []string{}, "gw_grids": []string{}, "gw_kind": "rating",
		"iat": now, "exp": now + 3600, "jti": "r1"})
	return map[string][]string{
		"no token":                  nil,
		"empty bearer":              {"Bearer "},
		"basic scheme":              {"Basic ZGlzcGF0Y2hlcjpwdw=="},
		"token without scheme":      {good},
		"two authorization values":  {"Bearer " + good, "Bearer " + good},
		"garbage":                   {"Bearer not-a-token"},
		"forged claims":             {"Bearer " + parts[0] + "." + strings.Split(admin, ".")[1] + "." + parts[2]},
		"forged signature":          {"Bearer " + parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))},
		"expired":                   {"Bearer " + expired},
		"not yet valid":             {"Bearer " + notYet},
		"wrong key":                 {"Bearer " + wrongKey},
		"rating token":              {"Bearer " + rating},
		"dispatcher without units":  {"Bearer " + signToken(t, testSigningKey(), map[string]any{"iss": "gridwatch", "sub": "d", "gw_role": "dispatcher", "gw_units": []string{}, "gw_grids": []string{}, "gw_kind": "access", "iat": now, "exp": now + 3600, "jti": "x"})},
		"unknown role":              {"Bearer " + signToken(t, testSigningKey(), map[string]any{"iss": "gridwatch", "sub": "d", "gw_role": "root", "gw_units": []string{}, "gw_grids": []string{}, "gw_kind": "access", "iat": now, "exp": now + 3600, "jti": "x"})},
		"role header without token": nil, // and x-gridwatch-role: admin, below
	}
}

// withAuthorization returns ctx sending vals as its authorization
// metadata; the case "role header without token" asserts admin instead.
func withAuthorization(ctx context.Context, name string, vals []string) context.Context {
	if name == "role header without token" {
		return metadata.AppendToOutgoingContext(ctx, RoleMetadataKey, "admin")
	}
	for _, v := range vals {
		ctx = metadata.AppendToOutgoingContext(ctx, AuthorizationMetadataKey, v)
	}
	return ctx
}

// TestAuthenticationGRPC: over gRPC, a call without valid credentials is
// UNAUTHENTICATED, a valid token of a role the call is not for is
// PERMISSION_DENIED, and health and reflection need no token; unary and
// streaming calls alike.
func TestAuthenticationGRPC(t *testing.T) {
	e, inc := newCandidatesEnv(t)
	bare := gridwatchv1.NewDispatchServiceClient(e.dial(t)) // sends no token of its own
	req := &gridwatchv1.ListCandidatesRequest{Incident: inc.GetName()}
	for name, vals := range badCredentials(t) {
		t.Run(name, func(t *testing.T) {
			ctx := withAuthorization(t.Context(), name, vals)
			_, err := bare.ListCandidates(ctx, req)
			wantCode(t, "ListCandidates", err, codes.Unauthenticated)
			st, err := bare.WatchIncidents(ctx, &gridwatchv1.WatchIncidentsRequest{})
			if err == nil {
				_, err = st.Recv()
			}
			wantCode(t, "WatchIncidents", err, codes.Unauthenticated)
		})
	}
	roles := []struct {
		role        string
		want, watch codes.Code // of ListCandidates and WatchIncidents
	}{
		{"volunteer", codes.PermissionDenied, codes.PermissionDenied},
		{"officer", codes.PermissionDenied, codes.OK},
		{"station_chief", codes.PermissionDenied, codes.OK},
		{"dispatcher", codes.OK, codes.OK},
		{"admin", codes.OK, codes.OK},
	}
	for _, tt := range roles {
		t.Run("role "+tt.role, func(t *testing.T) {
			ctx := withRole(t.Context(), tt.role)
			_, err := bare.ListCandidates(ctx, req)
			wantCode(t, "ListCandidates", err, tt.want)
			ctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			st, err := bare.WatchIncidents(ctx, &gridwatchv1.WatchIncidentsRequest{})
			if err == nil {
				_, err = st.Recv()
			}
			want := tt.watch
			if want == codes.OK {
				want = codes.DeadlineExceeded // the stream was open, waiting for events
			}
			wantCode(t, "WatchIncidents", err, want)
		})
	}
	checkPublic(t, e.dial(t))
}

// checkPublic checks that health and reflection answer a client sending no
// credentials.
func checkPublic(t *testing.T, conn *grpc.ClientConn) {
	t.Helper()
	if _, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Errorf("health without a token: %v", err)
	}
	st, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(t.Context())
	if err == nil {
		err = st.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}})
	}
	var resp *reflectionpb.ServerReflectionResponse
	if err == nil {
		resp, err = st.Recv()
	}
	if err != nil || len(resp.GetListServicesResponse().GetService()) == 0 {
		t.Errorf("reflection without a token: %v, %v", resp, err)
	}
}

// wantCode fails t unless err has code want.
func wantCode(t *testing.T, call string, err error, want codes.Code) {
	t.Helper()
	if got := status.Code(err); got != want {
		t.Errorf("%s: %v, want %v", call, err, want)
	}
}

// TestAuthenticationHTTP: through the gateway, the Authorization header is
// the token: without a valid one 401, with a token of the wrong role 403.
func TestAuthenticationHTTP(t *testing.T) {
	e, inc := newCandidatesEnv(t)
	mux := runtime.NewServeMux()
	if err := RegisterGateway(t.Context(), mux, e.dial(t)); err != nil {
		t.Fatal(err)
	}
	path := "/v1/" + inc.GetName() + "/candidates"
	get := func(t *testing.T, header http.Header) (int, string) {
		req := httptest.NewRequestWithContext(t.Context(), "GET", path, nil)
		req.Header = header
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	for name, vals := range badCredentials(t) {
		t.Run(name, func(t *testing.T) {
			h := http.Header{"Authorization": vals}
			if name == "role header without token" {
				h = http.Header{"Grpc-Metadata-X-Gridwatch-Role": {"admin"}}
			}
			if code, body := get(t, h); code != http.StatusUnauthorized {
				t.Errorf("got %d %s, want 401", code, body)
			}
		})
	}
	for role, want := range map[string]int{"volunteer": 403, "officer": 403, "dispatcher": 200, "admin": 200} {
		h := http.Header{"Authorization": {"Bearer " + tokenFor(testPrincipal(role))}}
		if code, body := get(t, h); code != want {
			t.Errorf("as %s: got %d %s, want %d", role, code, body, want)
		}
	}
}

// TestAuthOff: with authentication off the caller is whoever the metadata
// says, an admin when it says nothing; tokens are ignored.
func TestAuthOff(t *testing.T) {
	e := newDispatchEnvAuth(t, dispatch.Policy{}, AuthOff())
	e.placeScene(t)
	inc := e.mustCreate(t, newIncident(""))
	bare := gridwatchv1.NewDispatchServiceClient(e.dial(t))
	req := &gridwatchv1.ListCandidatesRequest{Incident: inc.GetName()}
	tests := []struct {
		name    string
		md      []string
		want    codes.Code
		precise bool
	}{
		{"nothing: admin", nil, codes.OK, false},
		{"dispatcher", []string{RoleMetadataKey, "dispatcher", UnitsMetadataKey, testUnit}, codes.OK, true},
		{"volunteer", []string{RoleMetadataKey, "volunteer"}, codes.PermissionDenied, false},
		{"unknown role: volunteer", []string{RoleMetadataKey, "chief"}, codes.PermissionDenied, false},
		{"a bad token is ignored", []string{AuthorizationMetadataKey, "Bearer junk"}, codes.OK, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := bare.ListCandidates(metadata.AppendToOutgoingContext(t.Context(), tt.md...), req)
			wantCode(t, "ListCandidates", err, tt.want)
			if err != nil {
				return
			}
			r := resp.GetSlots()[0].GetCircles()[0].GetResponders()[0]
			if got := r.GetPosition() != nil; got != tt.precise {
				t.Errorf("precise position %v, want %v", got, tt.precise)
			}
		})
	}
	checkPublic(t, e.dial(t))
}

// TestAuthenticate checks the principal each authentication puts on the
// context.
func TestAuthenticate(t *testing.T) {
	disp := testPrincipal("dispatcher")
	dispTok, dispClaims, err := testKeys().Issue(disp, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	disp.TokenID = dispClaims.ID
	const method = "/gridwatch.v1.GridService/ListGrids"
	tests := []struct {
		name    string
		a       Authentication
		method  string
		md      metadata.MD
		want    *auth.Principal // nil: no principal
		wantErr error
	}{
		{"token", testAuth(), method, metadata.Pairs("authorization", "Bearer "+dispTok), &disp, nil},
		{"bearer in another case", testAuth(), method, metadata.Pairs("authorization", "bEaReR  "+dispTok), &disp, nil},
		{"token ignores the role header", testAuth(), method,
			metadata.Pairs("authorization", "Bearer "+dispTok, RoleMetadataKey, "admin"), &disp, nil},
		{"no token", testAuth(), method, metadata.Pairs(RoleMetadataKey, "admin"), nil, auth.ErrUnauthenticated},
		{"zero Authentication refuses", Authentication{}, method, metadata.Pairs("authorization", "Bearer "+dispTok), nil, auth.ErrUnauthenticated},
		{"zero Authentication lets health through", Authentication{}, "/grpc.health.v1.Health/Check", nil, nil, nil},
		{"reflection is public", testAuth(), "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", nil, nil, nil},
		{"v1alpha reflection is public", testAuth(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", nil, nil, nil},
		{"a look-alike is not", testAuth(), "/grpc.health.v1.HealthX/Check", nil, nil, auth.ErrUnauthenticated},
		{"off: admin by default", AuthOff(), method, nil, &auth.Principal{Role: RoleAdmin}, nil},
		{"off: as the metadata says", AuthOff(), method, metadata.Pairs(RoleMetadataKey, "station-chief",
			SubjectMetadataKey, " chief1 ", UnitsMetadataKey, "hp, hp-st", UnitsMetadataKey, "sh", GridsMetadataKey, " ,a"),
			&auth.Principal{Subject: "chief1", Role: RoleStationChief, Units: []string{"hp", "hp-st", "sh"}, Grids: []string{"a"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := metadata.NewIncomingContext(context.Background(), tt.md)
			ctx, err := authenticator{a: tt.a}.authenticate(ctx, tt.method)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr != nil) != (err != nil) {
				t.Fatalf("authenticate: %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if c := status.Code(toStatus(err)); c != codes.Unauthenticated {
					t.Errorf("status %v, want Unauthenticated", c)
				}
				return
			}
			got, ok := auth.FromContext(ctx)
			if tt.want == nil {
				if ok {
					t.Errorf("principal %+v on a public call", got)
				}
				return
			}
			if !ok || got.Subject != tt.want.Subject || got.Role != tt.want.Role || got.TokenID != tt.want.TokenID ||
				!slices.Equal(got.Units, tt.want.Units) || !slices.Equal(got.Grids, tt.want.Grids) {
				t.Errorf("principal %+v, %v; want %+v", got, ok, *tt.want)
			}
		})
	}
}

func TestToStatusAuthentication(t *testing.T) {
	for _, err := range []error{auth.ErrUnauthenticated, auth.ErrNotAccessToken} {
		st := status.Convert(toStatus(err))
		if st.Code() != codes.Unauthenticated || st.Message() != err.Error() {
			t.Errorf("toStatus(%v) = %v", err, st)
		}
	}
}
