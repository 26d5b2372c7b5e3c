package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// env is a Server serving on a real port, with a gRPC client to it.
type env struct {
	srv    *Server
	addr   string
	logs   *logBuffer
	conn   *grpc.ClientConn
	cancel context.CancelFunc
	done   chan error
	ready  *readyFlag
	probe  *probe
}

// readyFlag is a controllable Registrar.Ready.
type readyFlag struct{ err atomic.Pointer[error] }

func (f *readyFlag) set(err error) { f.err.Store(&err) }

func (f *readyFlag) check(context.Context) error {
	if p := f.err.Load(); p != nil {
		return *p
	}
	return nil
}

// start runs a Server with the probe service registered (unless r says
// otherwise) and r.Ready driven by env.ready (unless r has one).
func start(t testing.TB, cfg Config, r Registrar) *env {
	t.Helper()
	e := &env{logs: &logBuffer{}, ready: &readyFlag{}, probe: &probe{}, done: make(chan error, 1)}
	if r.Register == nil {
		r.Register = e.probe.register
	}
	if r.Ready == nil {
		r.Ready = e.ready.check
	}
	log := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(cfg, log, r)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	lis := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	e.srv, e.addr, e.cancel = srv, lis.Addr().String(), cancel
	go func() { e.done <- srv.Serve(ctx, lis) }()
	e.conn = dial(t, e.addr)
	t.Cleanup(func() {
		if err := e.stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return e
}

// stop cancels Serve's context and waits for Serve to return (once).
func (e *env) stop() error {
	e.cancel()
	select {
	case err, ok := <-e.done:
		if ok {
			close(e.done)
			return err
		}
		return nil
	case <-time.After(15 * time.Second):
		return io.ErrNoProgress
	}
}

// listen opens a real port on the loopback interface.
func listen(t testing.TB) net.Listener {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { lis.Close() })
	return lis
}

func dial(t testing.TB, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("grpc.NewClient: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func (e *env) url(path string) string { return "http://" + e.addr + path }

// healthStatus asks grpc.health.v1 for service.
func (e *env) healthStatus(t *testing.T, service string) healthpb.HealthCheckResponse_ServingStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(e.conn).Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		t.Fatalf("health Check(%q): %v", service, err)
	}
	return resp.GetStatus()
}

// httpGet returns the status code and body of GET url.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// eventually polls cond every 10ms for up to 5s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// logBuffer collects JSON log lines safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// records returns the log records whose attribute key equals value.
func (l *logBuffer) records(t *testing.T, key, value string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(l.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if rec[key] == value {
			out = append(out, rec)
		}
	}
	return out
}
