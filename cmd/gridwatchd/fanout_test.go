package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/internal/redistest"
)

// TestEventFanOut runs two servers in this process on one Redis, as
// gridwatchd -store redis: a responder's offer stream and a dispatcher's
// incident stream on server B receive the offer that CreateIncident on
// server A made, and the incident's events in timeline order.
func TestEventFanOut(t *testing.T) {
	rdb := redistest.New(t)
	if err := rdb.FlushDB(t.Context()).Err(); err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("redis://%s/0", rdb.Options().Addr)
	dataDir, admin := adminKeys(t)
	a, b := startServer(t, url, dataDir, admin), startServer(t, url, dataDir, admin)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	roster := "id,kind,travel_mode\nfan-v1,watch_volunteer,walk\n"
	if _, err := gridwatchv1.NewRosterServiceClient(a).ImportResponders(ctx,
		&gridwatchv1.ImportRespondersRequest{Data: roster}); err != nil {
		t.Fatalf("ImportResponders: %v", err)
	}
	scene := &gridwatchv1.LatLng{Latitude: 41.80, Longitude: 123.40}
	pres := gridwatchv1.NewPresenceServiceClient(a)
	if _, err := pres.StartShift(ctx, &gridwatchv1.StartShiftRequest{Responder: "responders/fan-v1"}); err != nil {
		t.Fatalf("StartShift: %v", err)
	}
	near := &gridwatchv1.LatLng{Latitude: scene.GetLatitude() + 100/111_195.08, Longitude: scene.GetLongitude()}
	if _, err := pres.BatchReportLocations(ctx, &gridwatchv1.BatchReportLocationsRequest{Reports: []*gridwatchv1.LocationReport{{
		Responder: "responders/fan-v1",
		Update:    &gridwatchv1.LocationUpdate{Position: near, AccuracyM: 5, FixTime: timestamppb.Now()}}}}); err != nil {
		t.Fatalf("BatchReportLocations: %v", err)
	}
	onB := gridwatchv1.NewDispatchServiceClient(b)
	phone := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+responderToken(t, dataDir, "fan-v1"))
	offers, err := onB.WatchOffers(phone, &gridwatchv1.WatchOffersRequest{Responder: "responders/fan-v1"})
	if err == nil {
		_, err = offers.Header()
	}
	if err != nil {
		t.Fatalf("WatchOffers on B: %v", err)
	}
	console, err := onB.WatchIncidents(ctx, &gridwatchv1.WatchIncidentsRequest{}) // the admin's console
	if err == nil {
		_, err = console.Header()
	}
	if err != nil {
		t.Fatalf("WatchIncidents on B: %v", err)
	}
	inc, err := gridwatchv1.NewDispatchServiceClient(a).CreateIncident(ctx, &gridwatchv1.CreateIncidentRequest{
		Incident: &gridwatchv1.Incident{Category: "noise", Severity: 2, Position: scene,
			Source: gridwatchv1.IncidentSource_INCIDENT_SOURCE_CALL_110}})
	if err != nil {
		t.Fatalf("CreateIncident on A: %v", err)
	}
	offer, err := offers.Recv()
	if err != nil {
		t.Fatalf("WatchOffers on B: %v", err)
	}
	if offer.GetIncident().GetName() != inc.GetName() || offer.GetEvent().GetType() != gridwatchv1.IncidentEventType_INCIDENT_EVENT_TYPE_OFFERED {
		t.Errorf("B's offer stream got %v of %s, want the offer of %s", offer.GetEvent().GetType(),
			offer.GetIncident().GetName(), inc.GetName())
	}
	var seqs []int32
	for len(seqs) < 3 {
		m, err := console.Recv()
		if err != nil {
			t.Fatalf("WatchIncidents on B: %v", err)
		}
		if m.GetIncident().GetName() == inc.GetName() {
			seqs = append(seqs, m.GetEvent().GetSequence())
		}
	}
	if want := []int32{1, 2, 3}; !slices.Equal(seqs, want) {
		t.Errorf("B's incident stream got events %v, want %v (created, dispatching, offered)", seqs, want)
	}
}

// adminKeys makes a data directory with a signing key, as the servers of
// one deployment share, and returns it with an admin token of that key.
func adminKeys(t *testing.T) (dataDir, token string) {
	t.Helper()
	dataDir = t.TempDir()
	if _, err := auth.GenerateKey(filepath.Join(dataDir, "keys")); err != nil {
		t.Fatal(err)
	}
	ring, err := auth.LoadKeyRing(filepath.Join(dataDir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	token, _, err = ring.Issue(auth.Principal{Subject: "fan-admin", Role: auth.RoleAdmin}, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return dataDir, token
}

// responderToken returns a token of responder id, a volunteer, signed with
// the key of dataDir: only they may watch their offers.
func responderToken(t *testing.T, dataDir, id string) string {
	t.Helper()
	ring, err := auth.LoadKeyRing(filepath.Join(dataDir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := ring.Issue(auth.Principal{Subject: id, Role: auth.RoleVolunteer}, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// adminBearer sends an admin token with every call that sends none of its
// own, over plain text too.
type adminBearer string

// GetRequestMetadata returns the authorization metadata.
func (b adminBearer) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	if md, _ := metadata.FromOutgoingContext(ctx); len(md.Get("authorization")) > 0 {
		return nil, nil
	}
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

// RequireTransportSecurity is false: the test talks plain text to loopback.
func (adminBearer) RequireTransportSecurity() bool { return false }

// startServer runs gridwatchd with the keys of dataDir on a free port of
// this host until the test ends, waits until it serves, and returns a
// connection to it sending token. Its log is shown if the test fails.
func startServer(t *testing.T, redisURL, dataDir, token string) *grpc.ClientConn {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	logFile, err := os.Create(filepath.Join(t.TempDir(), "gridwatchd.log"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- realMain(ctx, []string{"-listen", addr, "-store", "redis", "-redis-url", redisURL,
			"-data-dir", dataDir}, logFile)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("gridwatchd on %s: %v", addr, err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("gridwatchd on %s still running 10 s after its context ended", addr)
		}
		if t.Failed() {
			log, _ := os.ReadFile(logFile.Name())
			t.Logf("log of gridwatchd on %s:\n%s", addr, log)
		}
		logFile.Close()
	})
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(adminBearer(token)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	waitServing(t, conn)
	return conn
}

// waitServing waits up to 20 s for the server's health to be SERVING.
func waitServing(t *testing.T, conn *grpc.ClientConn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("health never SERVING: %v %v", resp, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
