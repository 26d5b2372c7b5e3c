package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/api"
	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/server"
	"github.com/gridwatch/gridwatch/store/memory"
	"google.golang.org/grpc"
)

// startDispatchServer runs the real server stack over the memory engines
// on a free port, authenticating tokens of testKeys; it returns the address
// and the dispatch event broadcaster.
func startDispatchServer(t *testing.T) (string, *api.Broadcaster) {
	t.Helper()
	return startDispatchServerAuth(t, testAuthn())
}

// testAuthn authenticates the tokens of testKeys.
func testAuthn() api.Authentication { return api.TokenAuth(testKeys().Verifier()) }

// startDispatchServerAuth is startDispatchServer authenticating with a.
func startDispatchServerAuth(t *testing.T, a api.Authentication) (string, *api.Broadcaster) {
	t.Helper()
	return startConfigured(t, server.Config{}, a)
}

// startConfigured is startDispatchServerAuth with a server configuration.
func startConfigured(t *testing.T, scfg server.Config, a api.Authentication) (string, *api.Broadcaster) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st := memory.New()
	svc, err := grid.NewService(st, grid.Config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	pres, err := presence.NewService(memory.NewPresence(), svc, svc, presence.Config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	events := api.NewBroadcaster(0)
	disp, err := dispatch.NewService(memory.NewDispatch(), pres, pres, dispatch.Config{
		CallerKey: bytes.Repeat([]byte("k"), dispatch.MinCallerKeyBytes), Sink: events}, log)
	if err != nil {
		t.Fatal(err)
	}
	cfg := api.Config{Grid: svc, Dispatch: disp, Events: events, Arrivals: disp, Auth: a,
		Audit: audit.NewRecorder(memory.NewAudit(), nil)}
	importTestScope(t, svc)
	unary, stream := api.Interceptors(cfg)
	srv, err := server.New(scfg, log, server.Registrar{
		Register: func(s *grpc.Server) { api.Register(s, svc, pres, cfg) },
		Gateway:  api.RegisterGateway,
		Ready:    st.Ping,
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
	return lis.Addr().String(), events
}

// jsonObject decodes out, which must be one JSON object on one line.
func jsonObject(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("-o json printed %q, want one JSON object on one line (%v)", out, err)
	}
	return m
}

func TestCLIIncidents(t *testing.T) {
	addr, _ := startDispatchServer(t)
	create := []string{"incidents", "create", "--lat", "41.7962", "--lng", "123.4510", "--datum", "gcj02",
		"--category", "noise", "--severity", "2", "--address", "和平区 1 号", "--request-id", "r1", "-o", "json"}
	first, err := run(t, addr, create...)
	if err != nil {
		t.Fatal(err)
	}
	inc := jsonObject(t, first)
	name, _ := inc["name"].(string)
	if !strings.HasPrefix(name, "incidents/") || inc["state"] != "INCIDENT_STATE_DISPATCHING" ||
		inc["source"] != "INCIDENT_SOURCE_CONSOLE" {
		t.Fatalf("create: %v", inc)
	}
	again, err := run(t, addr, create...)
	if err != nil || jsonObject(t, again)["name"] != name {
		t.Errorf("retry with the same --request-id: %s %v", again, err)
	}
	id := strings.TrimPrefix(name, "incidents/")
	tests := []struct {
		args    []string
		wantOut string
		wantErr string
	}{
		{[]string{"incidents", "get", id}, "dispatching", ""},
		{[]string{"incidents", "get", name, "-o", "json"}, `"request_id":"r1"`, ""},
		{[]string{"incidents", "get", "nope"}, "", "NotFound"},
		{[]string{"incidents", "create", "--lat", "1", "--lng", "2", "--category", "x", "--severity", "1", "--source", "tv"}, "", "--source"},
		{[]string{"incidents", "create", "--lat", "1"}, "", "required flag"},
		{[]string{"incidents", "cancel", id, "--token", tokenFor(t, "volunteer")}, "", "PermissionDenied"},
		{[]string{"incidents", "close", id}, "", "FailedPrecondition"},
		{[]string{"incidents", "resolve", id, "--note", "done"}, "", "FailedPrecondition"}, // nobody assigned yet
		{[]string{"incidents", "cancel", id, "--reason", "test"}, "cancelled", ""},
		{[]string{"incidents", "cancel", id}, "", "FailedPrecondition"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := run(t, addr, tt.args...)
			if got := errText(err); tt.wantErr == "" && err != nil || !strings.Contains(got, tt.wantErr) {
				t.Fatalf("err: got %q, want %q", got, tt.wantErr)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("out: got %q, want %q in it", out, tt.wantOut)
			}
		})
	}
}

// errText is err described as main describes it, or "".
func errText(err error) string {
	if err == nil {
		return ""
	}
	return describe(err)
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestCLIIncidentsWatch(t *testing.T) {
	addr, events := startDispatchServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- realMain(ctx, []string{"incidents", "watch", "-o", "json", "--server", addr},
			&out, io.Discard, testGetenv)
	}()
	waitFor(t, func() bool { return events.Watchers() == 1 })
	if _, err := run(t, addr, "incidents", "create", "--lat", "41.8", "--lng", "123.4",
		"--category", "noise", "--severity", "1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Count(out.String(), "\n") >= 2 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("watch ended with %v, want nil on interrupt", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	first := jsonObject(t, lines[0])
	if ev, _ := first["event"].(map[string]any); ev["type"] != "INCIDENT_EVENT_TYPE_CREATED" {
		t.Errorf("first event: %v", first)
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}
