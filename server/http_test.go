package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func TestHealthzReadyz(t *testing.T) {
	e := start(t, Config{}, Registrar{})
	steps := []struct {
		path     string
		ready    error
		wantCode int
		wantBody string
	}{
		{"/healthz", nil, http.StatusOK, "ok"},
		{"/readyz", nil, http.StatusOK, "ok"},
		{"/readyz", errors.New("storage down"), http.StatusServiceUnavailable, "storage down"},
		{"/healthz", errors.New("storage down"), http.StatusOK, "ok"},
		{"/readyz", nil, http.StatusOK, "ok"},
	}
	for _, st := range steps {
		e.ready.set(st.ready)
		code, body := httpGet(t, e.url(st.path))
		if code != st.wantCode || body != st.wantBody {
			t.Errorf("GET %s with ready=%v: got %d %q, want %d %q", st.path, st.ready, code, body, st.wantCode, st.wantBody)
		}
	}
}

func TestReadyzTimesOut(t *testing.T) {
	slow := func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}
	e := start(t, Config{ReadyInterval: time.Hour}, Registrar{Ready: slow})
	begin := time.Now()
	code, body := httpGet(t, e.url("/readyz"))
	if took := time.Since(begin); took > 3*time.Second {
		t.Errorf("/readyz took %v, want about 1s", took)
	}
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "deadline exceeded") {
		t.Errorf("/readyz = %d %q, want 503 with deadline exceeded", code, body)
	}
}

func TestMetrics(t *testing.T) {
	e := start(t, Config{}, Registrar{})
	custom := prometheus.NewCounter(prometheus.CounterOpts{Name: "gridwatch_test_custom_total", Help: "test"})
	e.srv.Registry().MustRegister(custom)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := healthpb.NewHealthClient(e.conn).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatalf("Check: %v", err)
	}
	firstStreamValue(t, ctx, e.conn) // leaves a probe stream open
	_, body := httpGet(t, e.url("/metrics"))
	for _, want := range []string{
		`gridwatch_grpc_requests_total{code="OK",method="/grpc.health.v1.Health/Check"} 1`,
		`gridwatch_grpc_request_duration_seconds_bucket{method="/grpc.health.v1.Health/Check",le="5e-05"}`,
		`gridwatch_grpc_request_duration_seconds_bucket{method="/grpc.health.v1.Health/Check",le="10"} 1`,
		`gridwatch_grpc_streams_active{method="` + probeStream + `"} 1`,
		"go_goroutines ",
		"process_cpu_seconds_total ",
		"gridwatch_test_custom_total 0",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestGRPCAndHTTPOnOnePort(t *testing.T) {
	e := start(t, Config{}, Registrar{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := range 3 { // interleaved, on one address
		if got := e.healthStatus(t, ""); got != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("round %d: health = %v", i, got)
		}
		if code, _ := httpGet(t, e.url("/healthz")); code != http.StatusOK {
			t.Fatalf("round %d: /healthz = %d", i, code)
		}
	}
	if err := e.conn.Invoke(ctx, "/grpc.health.v1.Health/Check", &healthpb.HealthCheckRequest{}, &healthpb.HealthCheckResponse{}); err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	if got := e.srv.Addr().String(); got != e.addr {
		t.Errorf("Addr() = %s, want %s", got, e.addr)
	}
}

func TestGateway(t *testing.T) {
	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "web page") })
	e := start(t, Config{MaxRecvMsgBytes: 1024}, Registrar{
		Gateway:   testGateway,
		ExtraHTTP: map[string]http.Handler{"/": web},
	})
	big := `{"service":"` + strings.Repeat("x", 2000) + `"}`
	tests := []struct {
		name, method, path, body string
		chunked                  bool
		wantCode                 int
		wantBody                 string // substring
	}{
		{"unary call", "POST", "/v1/health/check", `{"service":""}`, false, 200, `{"status":"SERVING"}`},
		{"empty body", "POST", "/v1/health/check", "", false, 200, `{"status":"SERVING"}`},
		{"grpc error", "POST", "/v1/health/check", `{"service":"nope"}`, false, 404, `"code":5`},
		{"unknown field", "POST", "/v1/health/check", `{"service":"","bogus":1}`, false, 400, "unknown field"},
		{"body over limit", "POST", "/v1/health/check", big, false, 413, "larger than 1024 bytes"},
		{"chunked body over limit", "POST", "/v1/health/check", big, true, 413, "larger than 1024 bytes"},
		{"method the gateway lacks", "GET", "/v1/health/check", "", false, 501, "Method Not Allowed"},
		{"path the gateway lacks", "GET", "/about", "", false, 200, "web page"},
		{"healthz wins over extra", "GET", "/healthz", "", false, 200, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tt.body)
			if tt.chunked {
				body = struct{ io.Reader }{body} // hides the length
			}
			req, err := http.NewRequest(tt.method, e.url(tt.path), body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.chunked {
				req.ContentLength = -1
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", tt.method, tt.path, err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantCode || !strings.Contains(string(got), tt.wantBody) {
				t.Errorf("%s %s = %d %s, want %d containing %q", tt.method, tt.path, resp.StatusCode, got, tt.wantCode, tt.wantBody)
			}
		})
	}
}

func TestGatewayHeaders(t *testing.T) {
	e := start(t, Config{}, Registrar{Gateway: testGateway})
	req, err := http.NewRequest("POST", e.url("/v1/echo"), strings.NewReader(`"hello"`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Request-Id", "req-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /v1/echo: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if got, want := string(body), `"hello"`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if got, want := resp.Header.Get("X-Request-Id"), "req-42"; got != want {
		t.Errorf("X-Request-Id = %q, want %q", got, want)
	}
	if got, want := resp.Header.Get("Grpc-Metadata-Content-Type"), "application/grpc"; got != want {
		t.Errorf("Grpc-Metadata-Content-Type = %q, want %q", got, want)
	}
}

func TestGatewayWithoutExtraHTTP(t *testing.T) {
	e := start(t, Config{}, Registrar{Gateway: testGateway})
	code, body := httpGet(t, e.url("/about"))
	if code != http.StatusNotFound || !strings.Contains(body, `"code":5`) {
		t.Errorf("GET /about = %d %s, want 404 with a NotFound status", code, body)
	}
}

func TestGatewayStreamIsFlushed(t *testing.T) {
	e := start(t, Config{ReadyInterval: 20 * time.Millisecond}, Registrar{Gateway: testGateway})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", e.url("/v1/health/watch"), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /v1/health/watch: %v", err)
	}
	defer resp.Body.Close()
	lines := bufio.NewReader(resp.Body)
	steps := []struct {
		ready error
		want  string
	}{
		{nil, `{"result":{"status":"SERVING"}}`},
		{errors.New("storage down"), `{"result":{"status":"NOT_SERVING"}}`},
		{nil, `{"result":{"status":"SERVING"}}`},
	}
	for _, st := range steps {
		e.ready.set(st.ready)
		// Each update must arrive while the stream is still open.
		line, err := lines.ReadString('\n')
		if err != nil {
			t.Fatalf("reading stream: %v", err)
		}
		if got := strings.TrimSpace(line); got != st.want {
			t.Errorf("stream line = %s, want %s", got, st.want)
		}
	}
}

func TestNewRejects(t *testing.T) {
	ok := http.NotFoundHandler()
	tests := []struct {
		name string
		cfg  Config
		r    Registrar
	}{
		{"negative deadline", Config{MaxDeadline: -1}, Registrar{}},
		{"negative message size", Config{MaxRecvMsgBytes: -1}, Registrar{}},
		{"negative keepalive", Config{KeepaliveMinTime: -1}, Registrar{}},
		{"negative connection age", Config{MaxConnectionAge: -time.Second}, Registrar{}},
		{"bad pattern", Config{}, Registrar{ExtraHTTP: map[string]http.Handler{"GET": ok}}},
		{"duplicate pattern", Config{}, Registrar{ExtraHTTP: map[string]http.Handler{"/{x}": ok, "/{y}": ok}}},
		{"nil handler", Config{}, Registrar{ExtraHTTP: map[string]http.Handler{"/": nil}}},
		{"own health service", Config{}, Registrar{Register: func(s *grpc.Server) {
			healthpb.RegisterHealthServer(s, healthpb.UnimplementedHealthServer{})
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg, nil, tt.r); err == nil {
				t.Errorf("New succeeded, want an error")
			}
		})
	}
}

func TestGatewayRegistrationError(t *testing.T) {
	srv, err := New(Config{}, nil, Registrar{Gateway: func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error {
		return errors.New("no route")
	}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	lis := listen(t)
	if err := srv.Serve(context.Background(), lis); err == nil || !strings.Contains(err.Error(), "no route") {
		t.Errorf("Serve = %v, want the gateway error", err)
	}
	if err := srv.Serve(context.Background(), listen(t)); err == nil {
		t.Errorf("second Serve succeeded, want an error")
	}
}
