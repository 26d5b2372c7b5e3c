package main_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// callerKey quiets gridwatchd's warning about a random caller key.
const callerKey = "durability-test-key-0123456789ab"

// daemon is a running gridwatchd whose log goes to a file, shown when the
// test fails.
type daemon struct {
	addr string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, set before done is closed
}

// testKeys are the data directory of t's daemons, with a signing key
// made before they start, and an admin token of that key.
type testKeys struct {
	dataDir string
	admin   string
	ring    *auth.KeyRing
}

// token returns a token of k for role: dispatchers and station chiefs
// answer for the whole city (unit shenyang of testdata/shenyang).
func (k *testKeys) token(t *testing.T, role string) string {
	t.Helper()
	r, ok := auth.ParseRole(role)
	if !ok {
		t.Fatalf("role %q", role)
	}
	p := auth.Principal{Subject: "e2e-" + r.String(), Role: r}
	if r == auth.RoleDispatcher || r == auth.RoleStationChief {
		p.Units = []string{"shenyang"}
	}
	tok, _, err := k.ring.Issue(p, timeNow(), tokenTTL)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

var (
	keysMu  sync.Mutex
	keysByT = map[*testing.T]*testKeys{}
)

// keysOf returns t's data directory and admin token, made on first use:
// every daemon of t shares them, as the instances of one deployment
// share their key files.
func keysOf(t *testing.T) *testKeys {
	t.Helper()
	keysMu.Lock()
	defer keysMu.Unlock()
	if k, ok := keysByT[t]; ok {
		return k
	}
	k := &testKeys{dataDir: t.TempDir()}
	if _, err := auth.GenerateKey(filepath.Join(k.dataDir, "keys")); err != nil {
		t.Fatal(err)
	}
	ring, err := auth.LoadKeyRing(filepath.Join(k.dataDir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	k.ring = ring
	if k.admin, _, err = ring.Issue(auth.Principal{Subject: "e2e-admin", Role: auth.RoleAdmin}, time.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	keysByT[t] = k
	t.Cleanup(func() { keysMu.Lock(); delete(keysByT, t); keysMu.Unlock() })
	return k
}

// startDaemon starts gridwatchd on a free port with args and the data
// directory of keysOf(t), and waits until its grpc.health.v1 reports
// SERVING. It is killed when t ends.
func startDaemon(t *testing.T, bin string, args ...string) *daemon {
	t.Helper()
	args = append([]string{"-data-dir", keysOf(t).dataDir}, args...)
	logPath := filepath.Join(t.TempDir(), "gridwatchd.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	d := &daemon{addr: freeAddr(t), done: make(chan struct{})}
	d.cmd = exec.Command(bin, append([]string{"-listen", d.addr}, args...)...)
	d.cmd.Stderr = logFile
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.err = d.cmd.Wait(); logFile.Close(); close(d.done) }()
	t.Cleanup(func() {
		if d.running() {
			_ = d.cmd.Process.Kill()
		}
		<-d.done
		if t.Failed() {
			out, _ := os.ReadFile(logPath)
			t.Logf("gridwatchd on %s logged:\n%s", d.addr, tail(string(out), 8000))
		}
	})
	waitHealth(t, dial(t, d.addr), healthpb.HealthCheckResponse_SERVING)
	return d
}

// The tests' tokens are issued now, for an hour.
var timeNow = time.Now

const tokenTTL = time.Hour

// bearer is a token sent as "authorization: Bearer <token>" with every
// call, over plaintext too (the tests' servers have no TLS).
type bearer string

// GetRequestMetadata returns the authorization metadata, unless the call
// sends a token of its own (as).
func (b bearer) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	if md, _ := metadata.FromOutgoingContext(ctx); len(md.Get("authorization")) > 0 {
		return nil, nil
	}
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

// RequireTransportSecurity is false: the tests talk plaintext to loopback.
func (bearer) RequireTransportSecurity() bool { return false }

// running reports whether the process is still running.
func (d *daemon) running() bool {
	select {
	case <-d.done:
		return false
	default:
		return true
	}
}

// stop sends SIGTERM and fails t unless the process exits with status 0
// within 10 s.
func (d *daemon) stop(t *testing.T) {
	t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.done:
		if d.err != nil {
			t.Fatalf("gridwatchd after SIGTERM: %v, want exit status 0", d.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("gridwatchd still running 10 s after SIGTERM")
	}
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// dial returns a client connection to addr whose calls send the admin
// token of keysOf(t), closed when t ends.
func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(bearer(keysOf(t).admin)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// waitFor polls cond every 50 ms until it holds; after timeout it fails t
// with what and cond's last note.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, note := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v (last: %s)", what, timeout, note)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitHealth waits up to 30 s until grpc.health.v1 reports want for the
// server as a whole.
func waitHealth(t *testing.T, conn *grpc.ClientConn, want healthpb.HealthCheckResponse_ServingStatus) {
	t.Helper()
	client := healthpb.NewHealthClient(conn)
	waitFor(t, 30*time.Second, "health "+want.String(), func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		resp, err := client.Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
		return err == nil && resp.GetStatus() == want, fmt.Sprintf("%v %v", resp.GetStatus(), err)
	})
}

// waitReadyz waits up to 30 s until GET /readyz answers want.
func waitReadyz(t *testing.T, addr string, want int) {
	t.Helper()
	client := &http.Client{Timeout: 3 * time.Second}
	waitFor(t, 30*time.Second, fmt.Sprintf("/readyz %d", want), func() (bool, string) {
		resp, err := client.Get("http://" + addr + "/readyz")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return resp.StatusCode == want, resp.Status
	})
}

// scene is where the durability tests' incidents happen, in Shenyang.
var scene = &gridwatchv1.LatLng{Latitude: 41.80, Longitude: 123.40}

// metresNorth returns the point m metres north of scene.
func metresNorth(m float64) *gridwatchv1.LatLng {
	return &gridwatchv1.LatLng{Latitude: scene.GetLatitude() + m/111_195.08, Longitude: scene.GetLongitude()}
}

// responder is one responder to put on shift.
type responder struct {
	id, kind, mode string
	at             *gridwatchv1.LatLng
}

// placeResponders adds rs to the roster, starts their shifts and reports
// their positions.
func placeResponders(t *testing.T, conn *grpc.ClientConn, rs []responder) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	roster := "id,kind,travel_mode\n"
	batch := &gridwatchv1.BatchReportLocationsRequest{}
	for _, r := range rs {
		roster += strings.Join([]string{r.id, r.kind, r.mode}, ",") + "\n"
		batch.Reports = append(batch.Reports, &gridwatchv1.LocationReport{Responder: "responders/" + r.id,
			Update: &gridwatchv1.LocationUpdate{Position: r.at, AccuracyM: 5, FixTime: timestamppb.Now()}})
	}
	if _, err := gridwatchv1.NewRosterServiceClient(conn).ImportResponders(ctx,
		&gridwatchv1.ImportRespondersRequest{Data: roster}); err != nil {
		t.Fatalf("ImportResponders: %v", err)
	}
	pres := gridwatchv1.NewPresenceServiceClient(conn)
	for _, r := range rs {
		if _, err := pres.StartShift(ctx, &gridwatchv1.StartShiftRequest{Responder: "responders/" + r.id}); err != nil {
			t.Fatalf("StartShift %s: %v", r.id, err)
		}
	}
	resp, err := pres.BatchReportLocations(ctx, batch)
	if err != nil {
		t.Fatalf("BatchReportLocations: %v", err)
	}
	for i, res := range resp.GetResults() {
		if res != gridwatchv1.LocationResult_LOCATION_RESULT_APPLIED {
			t.Fatalf("placing %s: %v %s", rs[i].id, res, resp.GetErrors()[i])
		}
	}
}

// importSceneScope imports, as the admin, the city unit "shenyang" and a
// community grid of it around scene, so that a dispatcher of the city
// (testKeys.token) reaches the incidents and searches at scene.
func importSceneScope(t *testing.T, conn *grpc.ClientConn) {
	t.Helper()
	grids := gridwatchv1.NewGridServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if _, err := grids.ImportUnits(ctx, &gridwatchv1.ImportUnitsRequest{
		Data: "id,type,name,parent,head_id,head_name\nshenyang,city,沈阳市公安局,,p0000,赵建国\n"}); err != nil {
		t.Fatalf("ImportUnits: %v", err)
	}
	lat, lng := scene.GetLatitude(), scene.GetLongitude()
	square := fmt.Sprintf(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"scene-c","unit":"shenyang"},`+
		`"geometry":{"type":"Polygon","coordinates":[[[%[2]g,%[1]g],[%[4]g,%[1]g],[%[4]g,%[3]g],[%[2]g,%[3]g],[%[2]g,%[1]g]]]}}]}`,
		lat-0.01, lng-0.01, lat+0.01, lng+0.01)
	if _, err := grids.ImportGrids(ctx, &gridwatchv1.ImportGridsRequest{Kind: gridwatchv1.GridKind_GRID_KIND_COMMUNITY,
		Geojson: square}); err != nil {
		t.Fatalf("ImportGrids: %v", err)
	}
}

// newIncident is a request for a noise complaint at scene.
func newIncident(requestID string) *gridwatchv1.CreateIncidentRequest {
	return &gridwatchv1.CreateIncidentRequest{RequestId: requestID,
		Incident: &gridwatchv1.Incident{Category: "noise", Severity: 2, Position: scene,
			Source: gridwatchv1.IncidentSource_INCIDENT_SOURCE_CALL_110}}
}

// watchOffers opens responder id's offer stream and waits until the server
// has subscribed it.
func watchOffers(ctx context.Context, t *testing.T, conn *grpc.ClientConn, id string) gridwatchv1.DispatchService_WatchOffersClient {
	t.Helper()
	st, err := gridwatchv1.NewDispatchServiceClient(conn).WatchOffers(asResponder(ctx, t, id),
		&gridwatchv1.WatchOffersRequest{Responder: "responders/" + id})
	if err != nil {
		t.Fatalf("WatchOffers %s: %v", id, err)
	}
	if _, err := st.Header(); err != nil {
		t.Fatalf("WatchOffers %s header: %v", id, err)
	}
	return st
}
