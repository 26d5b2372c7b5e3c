package api

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// TestDispatchFlow runs an incident over gRPC with the memory engines:
// two volunteers get offers for the same slot, the first accept wins,
// the second is ABORTED, the winner arrives, a dispatcher resolves.
func TestDispatchFlow(t *testing.T) {
	p := dispatch.DefaultPolicy()
	p.Fanout = 2
	e := newDispatchEnv(t, p)
	e.mustPlace(t, map[string]*gridwatchv1.LatLng{"w1": metresNorth(100), "w2": metresNorth(150)})
	ctx := t.Context()
	w1, w2 := e.watchOffers(ctx, t, "w1"), e.watchOffers(ctx, t, "w2")
	inc := e.mustCreate(t, newIncident("flow"))

	o1, o2 := nextOffer(t, w1), nextOffer(t, w2)
	if o1.GetIncident().GetName() != inc.GetName() || o1.GetEvent().GetSlot() != o2.GetEvent().GetSlot() {
		t.Fatalf("offers: %v / %v", o1.GetEvent(), o2.GetEvent())
	}
	accept := func(o *gridwatchv1.WatchOffersResponse) (*gridwatchv1.Incident, error) {
		return e.dispatch.AcceptOffer(asResponder(ctx, strings.TrimPrefix(o.GetEvent().GetResponder(), "responders/")),
			&gridwatchv1.AcceptOfferRequest{Name: o.GetEvent().GetOffer(), Responder: o.GetEvent().GetResponder()})
	}
	got, err := accept(o1)
	if err != nil {
		t.Fatalf("AcceptOffer w1: %v", err)
	}
	if got.GetState() != gridwatchv1.IncidentState_INCIDENT_STATE_ASSIGNED {
		t.Errorf("after accept: %v", got.GetState())
	}
	if _, err := accept(o1); err != nil {
		t.Errorf("retry by the winner: %v", err)
	}
	if _, err := accept(o2); status.Code(err) != codes.Aborted {
		t.Errorf("second accept: got %v, want Aborted", err)
	}
	_, err = e.dispatch.AcceptOffer(asResponder(ctx, "w2"),
		&gridwatchv1.AcceptOfferRequest{Name: o1.GetEvent().GetOffer(), Responder: "responders/w2"})
	if status.Code(err) != codes.NotFound {
		t.Errorf("accepting another's offer: got %v, want NotFound", err)
	}

	e.mustPlace(t, map[string]*gridwatchv1.LatLng{"w1": metresNorth(10)}) // on scene
	got, err = e.dispatch.GetIncident(ctx, &gridwatchv1.GetIncidentRequest{Name: inc.GetName()})
	if err != nil || got.GetState() != gridwatchv1.IncidentState_INCIDENT_STATE_ON_SCENE {
		t.Fatalf("after arrival: %v %v", got.GetState(), err)
	}
	resolve := &gridwatchv1.TransitionIncidentRequest{Name: inc.GetName(),
		State: gridwatchv1.IncidentState_INCIDENT_STATE_RESOLVED, Note: "quiet now"}
	if _, err := e.dispatch.TransitionIncident(withRole(ctx, "volunteer"), resolve); status.Code(err) != codes.PermissionDenied {
		t.Errorf("resolve as volunteer: got %v, want PermissionDenied", err)
	}
	got, err = e.dispatch.TransitionIncident(withRole(ctx, "dispatcher"), resolve)
	if err != nil || got.GetState() != gridwatchv1.IncidentState_INCIDENT_STATE_RESOLVED {
		t.Fatalf("resolve: %v %v", got.GetState(), err)
	}
	_, err = e.dispatch.CancelIncident(withRole(ctx, "dispatcher"), &gridwatchv1.CancelIncidentRequest{Name: inc.GetName()})
	if status.Code(err) != codes.FailedPrecondition {
		t.Errorf("cancel a resolved incident: got %v, want FailedPrecondition", err)
	}
}

// TestAssignAndWithdraw assigns a responder by hand and withdraws.
func TestAssignAndWithdraw(t *testing.T) {
	e := newDispatchEnv(t, dispatch.Policy{})
	ctx := withRole(t.Context(), "dispatcher")
	inc := e.mustCreate(t, newIncident("")) // nobody on shift: slots wait
	e.mustPlace(t, map[string]*gridwatchv1.LatLng{"w3": metresNorth(400)})
	req := &gridwatchv1.AssignResponderRequest{Incident: inc.GetName(), Slot: 0, Responder: "responders/w3"}
	if _, err := e.dispatch.AssignResponder(withRole(t.Context(), "volunteer"), req); status.Code(err) != codes.PermissionDenied {
		t.Errorf("assign as volunteer: got %v", err)
	}
	got, err := e.dispatch.AssignResponder(ctx, req)
	if err != nil || got.GetSlots()[0].GetAssignee() != "responders/w3" {
		t.Fatalf("AssignResponder: %v %v", got, err)
	}
	got, err = e.dispatch.WithdrawAssignment(asResponder(t.Context(), "w3"), &gridwatchv1.WithdrawAssignmentRequest{
		Incident: inc.GetName(), Responder: "responders/w3"})
	if err != nil || got.GetSlots()[0].GetAssignee() != "" {
		t.Fatalf("WithdrawAssignment: %v %v", got, err)
	}
	if n := len(got.GetAssignments()); n != 1 || !got.GetAssignments()[0].GetWithdrawn() {
		t.Errorf("assignments: %v", got.GetAssignments())
	}
}

// TestWatchIncidents streams a created incident's events to the console.
func TestWatchIncidents(t *testing.T) {
	e := newDispatchEnv(t, dispatch.Policy{})
	ctx := t.Context()
	if st, err := e.dispatch.WatchIncidents(withRole(ctx, "volunteer"), &gridwatchv1.WatchIncidentsRequest{}); err == nil {
		if _, err = st.Recv(); status.Code(err) != codes.PermissionDenied {
			t.Errorf("watch as volunteer: got %v", err)
		}
	}
	st, err := e.dispatch.WatchIncidents(withRole(ctx, "dispatcher"), &gridwatchv1.WatchIncidentsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Header(); err != nil {
		t.Fatal(err)
	}
	inc := e.mustCreate(t, newIncident(""))
	deadline := time.After(5 * time.Second)
	for _, want := range []gridwatchv1.IncidentEventType{
		gridwatchv1.IncidentEventType_INCIDENT_EVENT_TYPE_CREATED,
		gridwatchv1.IncidentEventType_INCIDENT_EVENT_TYPE_TRANSITION,
	} {
		select {
		case <-deadline:
			t.Fatal("timed out")
		default:
		}
		m, err := st.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if m.GetEvent().GetType() != want || m.GetIncident().GetName() != inc.GetName() {
			t.Errorf("event: got %v of %s, want %v", m.GetEvent().GetType(), m.GetIncident().GetName(), want)
		}
	}
}
