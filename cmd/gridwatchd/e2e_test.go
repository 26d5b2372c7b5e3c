package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/internal/redistest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
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
			addr := freeAddr(t)
			srv := exec.Command(server, append([]string{"-listen", addr}, flags...)...)
			srv.Stderr = os.Stderr
			if err := srv.Start(); err != nil {
				t.Fatal(err)
			}
			defer srv.Process.Kill()
			checkServing(t, addr)
			runCLIFlow(t, cli, addr)
			runPresenceFlow(t, cli, addr)
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

// cliJSON runs the CLI with args, as the test operator (an admin) unless
// args name a --role, and decodes its one JSON object.
func cliJSON(t *testing.T, cli, addr string, args ...string) map[string]any {
	t.Helper()
	cmd := exec.Command(cli, append(args, "--server", addr, "-o", "json")...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "GRIDWATCH_ROLE=admin")
	out, err := cmd.Output()
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

func runCLIFlow(t *testing.T, cli, addr string) {
	t.Helper()
	cliJSON(t, cli, addr, "units", "import", "testdata/shenyang/units.csv")
	imp := cliJSON(t, cli, addr, "grids", "import", "testdata/shenyang/districts.geojson", "--kind", "police", "--datum", "gcj02")
	cells, _ := imp["cell_count"].(float64) // a JSON number, so scripts can compare it
	if imp["grid_count"] != float64(13) || cells < 175_000 || cells > 185_000 {
		t.Errorf("import: got %v grids and %v cells, want 13 and about 180,000 as numbers", imp["grid_count"], imp["cell_count"])
	}
	cliJSON(t, cli, addr, "grids", "assign", "testdata/shenyang/grid-officers.csv")
	// 沈河区's centre as GCJ-02 map data gives it.
	loc := cliJSON(t, cli, addr, "grids", "locate", "41.796177", "123.458691", "--datum", "gcj02")
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
// finds them from a point in Shenhe: as an admin (cells, no positions), as
// a dispatcher of Shenhe (positions), and as callers who may not search
// there.
func runPresenceFlow(t *testing.T, cli, addr string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "positions.csv")
	csv := "id,kind,travel_mode,lat,lng\ne2e-v1,watch_volunteer,walk,41.79036,123.45\ne2e-p1,patrol_officer,car,41.80349,123.45\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if res := cliJSON(t, cli, addr, "responders", "positions", file); res["applied"] != float64(2) {
		t.Fatalf("positions: got %v, want 2 applied", res)
	}
	near := cliJSON(t, cli, addr, "responders", "nearest", "41.79", "123.45")
	circles, _ := near["circles"].([]any)
	if len(circles) != 3 {
		t.Fatalf("nearest: got %v, want 3 circles", near)
	}
	first, _ := circles[0].(map[string]any)
	rs, _ := first["responders"].([]any)
	if len(rs) != 1 {
		t.Fatalf("nearest: got %v, want e2e-v1 in the 60 s circle", near)
	}
	if v1, _ := rs[0].(map[string]any); v1["id"] != "e2e-v1" || v1["position"] != nil {
		t.Errorf("nearest as an admin: got %v, want e2e-v1 without a position", v1)
	}
	// The CLI sends a role and no scope: a dispatcher of no unit reaches
	// nothing; a volunteer may not search at all.
	for _, role := range []string{"volunteer", "dispatcher"} {
		cmd := exec.Command(cli, "responders", "nearest", "41.79", "123.45", "--role", role, "--server", addr)
		if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "PermissionDenied") {
			t.Errorf("nearest as %s: got %s (%v), want PermissionDenied", role, out, err)
		}
	}
	checkDispatcherPositions(t, addr)
}

// checkDispatcherPositions searches the point in Shenhe over gRPC as a
// dispatcher of Shenhe, who sees e2e-v1's position, and as one of Heping,
// who may not search there.
func checkDispatcherPositions(t *testing.T, addr string) {
	t.Helper()
	pres := gridwatchv1.NewPresenceServiceClient(dial(t, addr))
	req := &gridwatchv1.FindRespondersRequest{Point: &gridwatchv1.LatLng{Latitude: 41.79, Longitude: 123.45}}
	for unit, want := range map[string]codes.Code{"shenhe": codes.OK, "heping": codes.PermissionDenied} {
		ctx := metadata.AppendToOutgoingContext(t.Context(), "x-gridwatch-role", "dispatcher",
			"x-gridwatch-subject", "e2e-dispatcher", "x-gridwatch-units", unit)
		resp, err := pres.FindResponders(ctx, req)
		if status.Code(err) != want {
			t.Fatalf("FindResponders as a dispatcher of %s: %v, want %v", unit, err, want)
		}
		if err != nil {
			continue
		}
		rs := resp.GetCircles()[0].GetResponders()
		if len(rs) != 1 || rs[0].GetResponder() != "responders/e2e-v1" || rs[0].GetPosition() == nil {
			t.Errorf("FindResponders as a dispatcher of %s: got %v, want e2e-v1 with a position", unit, rs)
		}
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
