package api

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/server"
)

// startServer serves the API, dispatch included, authenticating with a,
// through the server package on a loopback port, as gridwatchd does, and
// returns its address.
func startServer(t *testing.T, a Authentication) string {
	t.Helper()
	svc, pres, cfg := dispatchServices(t, dispatch.Policy{})
	cfg.Auth = a
	importScope(t, svc)
	unary, stream := Interceptors(cfg)
	srv, err := server.New(server.Config{}, nil, server.Registrar{
		Register: func(s *grpc.Server) { Register(s, svc, pres, cfg) },
		Gateway:  RegisterGateway,
		Unary:    unary,
		Stream:   stream,
	})
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	t.Cleanup(func() { cancel(); <-done })
	return lis.Addr().String()
}

// importScope imports testUnits and scopeGrid into svc: the scope of the
// test principals (testPrincipal) holds the incidents the tests create.
func importScope(t *testing.T, svc *grid.Service) {
	t.Helper()
	if _, err := svc.ImportUnits(t.Context(), grid.Upload{Data: []byte(testUnits)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportGrids(t.Context(), grid.GridImport{Kind: grid.Community, GeoJSON: []byte(scopeGridJSON)}); err != nil {
		t.Fatal(err)
	}
}

// httpCall sends an HTTP request with the headers given as name, value
// pairs and returns the status and body.
func httpCall(t *testing.T, method, url, body string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServerBearerHTTP: through the production server's one port, the
// HTTP header Authorization: Bearer authenticates gateway calls, X-Gridwatch-Role
// asserts nothing, and health, readiness, metrics and gRPC health need no
// token.
func TestServerBearerHTTP(t *testing.T) {
	addr := startServer(t, testAuth())
	base := "http://" + addr
	bearer := func(role string) string { return "Bearer " + tokenFor(testPrincipal(role)) }
	units := `{"data":` + jsonString(testUnits) + `}`
	if code, body := httpCall(t, "POST", base+"/v1/units:import", units, "Authorization", bearer("admin")); code != 200 {
		t.Fatalf("importing units as admin: %d %s", code, body)
	}
	incident := `{"incident":{"category":"noise","severity":2,"position":{"latitude":41.8,"longitude":123.4},"source":"INCIDENT_SOURCE_CALL_110"}}`
	code, body := httpCall(t, "POST", base+"/v1/incidents", incident, "Authorization", bearer("dispatcher"))
	if code != 200 {
		t.Fatalf("creating an incident as dispatcher: %d %s", code, body)
	}
	var inc struct{ Name string }
	if err := json.Unmarshal([]byte(body), &inc); err != nil || inc.Name == "" {
		t.Fatalf("created %s: %v", body, err)
	}
	cancel := base + "/v1/" + inc.Name + ":cancel"
	expired, _, _ := testKeys().Issue(testPrincipal("dispatcher"), time.Now().Add(-2*time.Hour), time.Hour)
	tests := []struct {
		name    string
		headers []string
		want    int
	}{
		{"no token", nil, 401},
		{"role header, no token", []string{"X-Gridwatch-Role", "admin"}, 401},
		{"expired", []string{"Authorization", "Bearer " + expired}, 401},
		{"forged", []string{"Authorization", bearer("dispatcher") + "x"}, 401},
		{"wrong role", []string{"Authorization", bearer("volunteer")}, 403},
		{"wrong role, role header ignored", []string{"Authorization", bearer("officer"), "X-Gridwatch-Role", "admin"}, 403},
		{"dispatcher", []string{"Authorization", bearer("dispatcher")}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, body := httpCall(t, "POST", cancel, `{"reason":"test"}`, tt.headers...); code != tt.want {
				t.Errorf("cancel: %d %s, want %d", code, body, tt.want)
			}
		})
	}
	req, _ := http.NewRequestWithContext(t.Context(), "POST", cancel, strings.NewReader(`{}`))
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
		if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
			t.Errorf("401 with WWW-Authenticate %q, want Bearer", got)
		}
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if code, _ := httpCall(t, "GET", base+path, ""); code != 200 {
			t.Errorf("GET %s without a token: %d, want 200", path, code)
		}
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	checkPublic(t, conn)
}

// TestServerAuthOffHTTP: with authentication off, the server's gateway
// forwards the X-Gridwatch-* headers the caller asserts itself with.
func TestServerAuthOffHTTP(t *testing.T) {
	base := "http://" + startServer(t, AuthOff())
	incident := `{"incident":{"category":"noise","severity":2,"position":{"latitude":41.8,"longitude":123.4},"source":"INCIDENT_SOURCE_CALL_110"}}`
	code, body := httpCall(t, "POST", base+"/v1/incidents", incident) // an admin
	if code != 200 {
		t.Fatalf("creating an incident: %d %s", code, body)
	}
	var inc struct{ Name string }
	if err := json.Unmarshal([]byte(body), &inc); err != nil {
		t.Fatal(err)
	}
	cancel := base + "/v1/" + inc.Name + ":cancel"
	if code, body := httpCall(t, "POST", cancel, `{}`, "X-Gridwatch-Role", "volunteer", "X-Gridwatch-Subject", "w1"); code != 403 {
		t.Errorf("cancel as a volunteer: %d %s, want 403", code, body)
	}
	if code, body := httpCall(t, "POST", cancel, `{}`, "X-Gridwatch-Role", "dispatcher", "X-Gridwatch-Units", "sy"); code != 200 {
		t.Errorf("cancel as a dispatcher: %d %s, want 200", code, body)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
