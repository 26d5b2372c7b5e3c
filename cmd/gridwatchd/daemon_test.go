package main_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/timestamppb"

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

// startDaemon starts gridwatchd on a free port with args and waits until
// its grpc.health.v1 reports SERVING. It is killed when t ends.
func startDaemon(t *testing.T, bin string, args ...string) *daemon {
	t.Helper()
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

// dial returns a client connection to addr, closed when t ends; its calls
// are the test operator's unless they name a role (operatorOptions).
func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, append(operatorOptions(), grpc.WithTransportCredentials(insecure.NewCredentials()))...)
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

// newIncident is a request for a noise complaint at scene.
func newIncident(requestID string) *gridwatchv1.CreateIncidentRequest {
	return &gridwatchv1.CreateIncidentRequest{RequestId: requestID,
		Incident: &gridwatchv1.Incident{Category: "noise", Severity: 2, Position: scene,
			Source: gridwatchv1.IncidentSource_INCIDENT_SOURCE_CALL_110}}
}

// watchOffers opens responder id's offer stream, as the responder, and
// waits until the server has subscribed it.
func watchOffers(ctx context.Context, t *testing.T, conn *grpc.ClientConn, id string) gridwatchv1.DispatchService_WatchOffersClient {
	t.Helper()
	st, err := gridwatchv1.NewDispatchServiceClient(conn).WatchOffers(asResponder(ctx, id),
		&gridwatchv1.WatchOffersRequest{Responder: "responders/" + id})
	if err != nil {
		t.Fatalf("WatchOffers %s: %v", id, err)
	}
	if _, err := st.Header(); err != nil {
		t.Fatalf("WatchOffers %s header: %v", id, err)
	}
	return st
}
