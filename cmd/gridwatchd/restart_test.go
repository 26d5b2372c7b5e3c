package main_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/internal/redistest"
)

// restartOfferTimeout is the offer timeout of TestServerRestartResumesOffers:
// long enough for a loaded machine to stop one gridwatchd and start the
// next before the offer lapses.
const restartOfferTimeout = 10 * time.Second

// TestServerRestartResumesOffers stops gridwatchd (SIGTERM) while an offer
// is pending and starts a new one on the same Redis: the new process, which
// knows nothing of the offer but what Redis holds, lapses it at its
// deadline and offers the slot to the next responder, as the two
// responders' offer streams on the new process show.
func TestServerRestartResumesOffers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs gridwatchd and a redis-server")
	}
	rs := redistest.NewPersistent(t)
	bin := buildServer(t)
	args := []string{"-store", "redis", "-redis-url", rs.URL(), "-dispatch-policy", writePolicy(t),
		"-stale-after", "10m", "-caller-key", callerKey}
	first := startDaemon(t, bin, args...)
	conn := dial(t, first.addr)
	placeResponders(t, conn, []responder{
		{"near", "watch_volunteer", "walk", metresNorth(20)}, {"next", "watch_volunteer", "walk", metresNorth(40)},
	})
	inc := create(t, gridwatchv1.NewDispatchServiceClient(conn), "restart-1")
	if len(inc.GetOffers()) != 1 || inc.GetOffers()[0].GetResponder() != "responders/near" {
		t.Fatalf("CreateIncident made offers %v, want one to near", inc.GetOffers())
	}
	offer := inc.GetOffers()[0]
	deadline := offer.GetExpireTime().AsTime()
	first.stop(t)

	second := startDaemon(t, bin, args...)
	conn = dial(t, second.addr)
	ctx, cancel := context.WithTimeout(context.Background(), restartOfferTimeout+30*time.Second)
	defer cancel()
	near, next := watchOffers(ctx, t, conn, "near"), watchOffers(ctx, t, conn, "next")
	if time.Now().After(deadline) {
		t.Fatalf("the second gridwatchd served only after the offer's deadline %v: the machine is too slow for %v", deadline, restartOfferTimeout)
	}
	lapsed := nextEvent(t, near, gridwatchv1.IncidentEventType_INCIDENT_EVENT_TYPE_LAPSED)
	if lapsed.GetEvent().GetOffer() != offer.GetName() || lapsed.GetEvent().GetEventTime().AsTime().Before(deadline) {
		t.Errorf("lapse: %v, want offer %s lapsed at or after %v", lapsed.GetEvent(), offer.GetName(), deadline)
	}
	reoffer := nextEvent(t, next, gridwatchv1.IncidentEventType_INCIDENT_EVENT_TYPE_OFFERED)
	if reoffer.GetIncident().GetName() != inc.GetName() || reoffer.GetEvent().GetSlot() != offer.GetSlot() {
		t.Errorf("re-offer: %v of %s, want slot %d of %s", reoffer.GetEvent(), reoffer.GetIncident().GetName(),
			offer.GetSlot(), inc.GetName())
	}
	checkResumed(ctx, t, conn, inc)
	second.stop(t)
}

// writePolicy writes a policy file asking for one watch volunteer from
// the 1-minute circle, with offers of restartOfferTimeout, and returns its
// path.
func writePolicy(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	policy := `{"offer_timeout": "` + restartOfferTimeout.String() + `", "rules": [{"category": "*",
		"min_severity": 1, "draws": [{"circle": 1, "count": 1, "kinds": ["watch_volunteer"]}]}]}`
	if err := os.WriteFile(path, []byte(policy), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkResumed checks inc as the new process has it: its timeline as
// created, then its first offer lapsed and the second pending.
func checkResumed(ctx context.Context, t *testing.T, conn *grpc.ClientConn, inc *gridwatchv1.Incident) {
	t.Helper()
	got, err := gridwatchv1.NewDispatchServiceClient(conn).GetIncident(ctx, &gridwatchv1.GetIncidentRequest{Name: inc.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if !timelineStartsWith(got.GetTimeline(), inc.GetTimeline()) {
		t.Errorf("timeline after the restart:\n%v\nwant it to start with\n%v", got.GetTimeline(), inc.GetTimeline())
	}
	var states []string
	for _, o := range got.GetOffers() {
		states = append(states, o.GetResponder()+":"+o.GetState().String())
	}
	want := []string{"responders/near:OFFER_STATE_LAPSED", "responders/next:OFFER_STATE_PENDING"}
	if !slices.Equal(states, want) {
		t.Errorf("offers after the restart: %v, want %v", states, want)
	}
}

// nextEvent reads st until an event of type typ and returns it.
func nextEvent(t *testing.T, st gridwatchv1.DispatchService_WatchOffersClient, typ gridwatchv1.IncidentEventType) *gridwatchv1.WatchOffersResponse {
	t.Helper()
	for {
		m, err := st.Recv()
		if err != nil {
			t.Fatalf("waiting for a %v event: %v", typ, err)
		}
		if m.GetEvent().GetType() == typ {
			return m
		}
	}
}
