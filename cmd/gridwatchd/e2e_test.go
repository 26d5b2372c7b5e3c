package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/internal/redistest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// binaries builds gridwatchd and gridwatch.
func binaries(t *testing.T) (server, cli string) {
	t.Helper()
	dir := goBuild(t, "../gridwatchd", "../gridwatch")
	return filepath.Join(dir, "gridwatchd"), filepath.Join(dir, "gridwatch")
}

// buildServer builds gridwatchd alone.
func buildServer(t *testing.T) string {
	t.Helper()
	return filepath.Join(goBuild(t, "../gridwatchd"), "gridwatchd")
}

// goBuild builds the commands of pkgs into a directory of t and returns it.
func goBuild(t *testing.T, pkgs ...string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", append([]string{"build", "-o", dir + string(filepath.Separator)}, pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestAcceptance runs the foundation issue's acceptance on a real port for
// each engine: the services are listed by reflection, health is SERVING, the
// 13 Shenyang districts import as about 180,000 cells, a point in Shenhe
// names its grid and chain, and SIGTERM ends the server with status 0
// within 10 s.
func TestAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binaries")
	}
	server, cli := binaries(t)
	engines := map[string][]string{"memory": {"-store", "memory"}}
	rdb := redistest.New(t)
	engines["redis"] = []string{"-store", "redis", "-redis-url", fmt.Sprintf("redis://%s/0", rdb.Options().Addr)}
	for name, flags := range engines {
		t.Run(name, func(t *testing.T) {
			if name == "redis" {
				if err := rdb.FlushDB(context.Background()).Err(); err != nil {
					t.Fatal(err)
				}
			}
			addr, data := freeAddr(t), t.TempDir()
			srv := exec.Command(server, append([]string{"-listen", addr, "-data-dir", data}, flags...)...)
			var stderr syncBuffer
			srv.Stderr = io.MultiWriter(os.Stderr, &stderr)
			if err := srv.Start(); err != nil {
				t.Fatal(err)
			}
			defer srv.Process.Kill()
			checkServing(t, addr)
			c := cliEnv{cli: cli, addr: addr, token: printedToken(t, &stderr)}
			checkUnauthenticated(t, c)
			runCLIFlow(t, c)
			runPresenceFlow(t, c, data)
			checkSIGTERM(t, srv)
		})
	}
}

func checkServing(t *testing.T, addr string) {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("health never SERVING: %v %v", resp, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	for _, want := range []string{"gridwatch.v1.GridService", "gridwatch.v1.RosterService", "gridwatch.v1.PresenceService", "grpc.health.v1.Health"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("reflection lists %v, missing %s", names, want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// tokenLine is the line of the admin token gridwatchd prints at its first
// start.
var tokenLine = regexp.MustCompile(`(?m)^export GRIDWATCH_TOKEN=(\S+)$`)

// printedToken returns the admin token gridwatchd printed to stderr, once.
func printedToken(t *testing.T, stderr *syncBuffer) string {
	t.Helper()
	var out string
	var m [][]string
	for deadline := time.Now().Add(5 * time.Second); len(m) == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // the pipe's copier may lag the server
		out = stderr.String()
		m = tokenLine.FindAllStringSubmatch(out, -1)
	}
	if len(m) != 1 {
		t.Fatalf("gridwatchd printed %d admin tokens at its first start, want 1", len(m))
	}
	if strings.Count(out, m[0][1]) != 1 {
		t.Error("gridwatchd printed or logged the admin token more than once")
	}
	return m[0][1]
}

// cliEnv is how the tests run the CLI: its binary, the server and the
// token sent (GRIDWATCH_TOKEN).
type cliEnv struct {
	cli, addr, token string
}

// command returns the command running the CLI with args in the
// repository's root.
func (c cliEnv) command(args ...string) *exec.Cmd {
	cmd := exec.Command(c.cli, append(args, "--server", c.addr)...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "GRIDWATCH_TOKEN="+c.token)
	return cmd
}

// checkUnauthenticated checks that the CLI without a token is refused.
func checkUnauthenticated(t *testing.T, c cliEnv) {
	t.Helper()
	c.token = ""
	out, err := c.command("grids", "list").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Unauthenticated") {
		t.Errorf("gridwatch grids list without a token: %v\n%s\nwant Unauthenticated", err, out)
	}
}

func cliJSON(t *testing.T, c cliEnv, args ...string) map[string]any {
	t.Helper()
	out, err := c.command(append(args, "-o", "json")...).Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("gridwatch %v: %v\n%s", args, err, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("gridwatch %v printed %q, not one JSON object: %v", args, out, err)
	}
	return m
}

func runCLIFlow(t *testing.T, c cliEnv) {
	t.Helper()
	cliJSON(t, c, "units", "import", "testdata/shenyang/units.csv")
	imp := cliJSON(t, c, "grids", "import", "testdata/shenyang/districts.geojson", "--kind", "police", "--datum", "gcj02")
	cells, _ := imp["cell_count"].(float64) // a JSON number, so scripts can compare it
	if imp["grid_count"] != float64(13) || cells < 175_000 || cells > 185_000 {
		t.Errorf("import: got %v grids and %v cells, want 13 and about 180,000 as numbers", imp["grid_count"], imp["cell_count"])
	}
	cliJSON(t, c, "grids", "assign", "testdata/shenyang/grid-officers.csv")
	// 沈河区's centre as GCJ-02 map data gives it.
	loc := cliJSON(t, c, "grids", "locate", "41.796177", "123.458691", "--datum", "gcj02")
	g, _ := loc["police_grid"].(map[string]any)
	chain, _ := loc["police_chain"].(map[string]any)
	if g["name"] != "policeGrids/210103" || g["display_name"] != "沈河区" {
		t.Errorf("locate: police grid %v, want policeGrids/210103 沈河区", g)
	}
	for _, link := range []string{"grid_officer", "team_leader", "deputy_chief", "station_chief"} {
		p, _ := chain[link].(map[string]any)
		if p["display_name"] == "" || p["display_name"] == nil {
			t.Errorf("locate: chain link %s is empty: %v", link, chain)
		}
	}
}

// runPresenceFlow puts two responders on shift from a positions file and
// finds them from a point in Shenhe, as a dispatcher and as a volunteer
// with tokens issued by the CLI from the server's data directory.
func runPresenceFlow(t *testing.T, c cliEnv, data string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "positions.csv")
	csv := "id,kind,travel_mode,lat,lng\ne2e-v1,watch_volunteer,walk,41.79036,123.45\ne2e-p1,patrol_officer,car,41.80349,123.45\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if res := cliJSON(t, c, "responders", "positions", file); res["applied"] != float64(2) {
		t.Fatalf("positions: got %v, want 2 applied", res)
	}
	// Tokens issued by the CLI from the server's data directory: a
	// dispatcher of Shenhe sees positions there, the admin cells only; a
	// dispatcher of Heping and a volunteer may not search there.
	callers := []struct {
		name    string
		issue   []string // nil: the admin's token
		denied  bool
		precise bool
	}{
		{"admin", nil, false, false},
		{"dispatcher of Shenhe", []string{"--sub", "e2e-d1", "--role", "dispatcher", "--unit", "shenhe"}, false, true},
		{"dispatcher of Heping", []string{"--sub", "e2e-d2", "--role", "dispatcher", "--unit", "heping"}, true, false},
		{"volunteer", []string{"--sub", "e2e-v1", "--role", "volunteer"}, true, false},
	}
	for _, cl := range callers {
		as := c
		if cl.issue != nil {
			out, err := exec.Command(c.cli, append([]string{"token", "issue", "--data-dir", data}, cl.issue...)...).Output()
			if err != nil {
				t.Fatalf("token issue: %v", err)
			}
			as.token = strings.TrimSpace(string(out))
		}
		if cl.denied {
			out, err := as.command("responders", "nearest", "41.79", "123.45").CombinedOutput()
			if err == nil || !strings.Contains(string(out), "PermissionDenied") {
				t.Errorf("nearest as %s: got %s (%v), want PermissionDenied", cl.name, out, err)
			}
			continue
		}
		checkNearest(t, as, cl.name, cl.precise)
	}
}

// checkNearest searches the point in Shenhe as c's caller, name, who must
// find e2e-v1 in the 60 s circle, with a position if precise.
func checkNearest(t *testing.T, c cliEnv, name string, precise bool) {
	t.Helper()
	near := cliJSON(t, c, "responders", "nearest", "41.79", "123.45")
	circles, _ := near["circles"].([]any)
	if len(circles) != 3 {
		t.Fatalf("nearest as %s: got %v, want 3 circles", name, near)
	}
	first, _ := circles[0].(map[string]any)
	rs, _ := first["responders"].([]any)
	if len(rs) != 1 {
		t.Fatalf("nearest as %s: got %v, want e2e-v1 in the 60 s circle", name, near)
	}
	v1, _ := rs[0].(map[string]any)
	if _, has := v1["position"]; v1["id"] != "e2e-v1" || has != precise {
		t.Errorf("nearest as %s: got %v, want e2e-v1 with a position %v", name, v1, precise)
	}
}

func checkSIGTERM(t *testing.T, srv *exec.Cmd) {
	t.Helper()
	start := time.Now()
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGTERM: %v, want exit status 0", err)
		}
		t.Logf("stopped %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10 s after SIGTERM")
	}
}
