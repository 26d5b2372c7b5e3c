package api

import (
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// TestRecordArrival: a dispatcher records an assignee on scene by hand,
// the time to scene running from the incident's creation; anything else
// is refused and changes nothing.
func TestRecordArrival(t *testing.T) {
	e := newDispatchEnv(t, dispatch.Policy{})
	ctx := withRole(t.Context(), "dispatcher")
	inc := e.mustCreate(t, newIncident("")) // nobody on shift: slots wait
	e.mustPlace(t, map[string]*gridwatchv1.LatLng{"w3": metresNorth(400)})
	if _, err := e.dispatch.AssignResponder(ctx, &gridwatchv1.AssignResponderRequest{
		Incident: inc.GetName(), Slot: 0, Responder: "responders/w3"}); err != nil {
		t.Fatal(err)
	}
	created := inc.GetCreateTime().AsTime()
	req := func(responder string, at time.Time) *gridwatchv1.RecordArrivalRequest {
		r := &gridwatchv1.RecordArrivalRequest{Incident: inc.GetName(), Responder: responder}
		if !at.IsZero() {
			r.ArriveTime = timestamppb.New(at)
		}
		return r
	}
	refused := []struct {
		name string
		role string
		req  *gridwatchv1.RecordArrivalRequest
		want codes.Code
	}{
		{"volunteer", "volunteer", req("responders/w3", time.Time{}), codes.PermissionDenied},
		{"officer", "officer", req("responders/w3", time.Time{}), codes.PermissionDenied},
		{"not assigned", "dispatcher", req("responders/w1", time.Time{}), codes.NotFound},
		{"before creation", "dispatcher", req("responders/w3", created.Add(-time.Second)), codes.InvalidArgument},
		{"an hour ahead", "dispatcher", req("responders/w3", time.Now().Add(time.Hour)), codes.InvalidArgument},
		{"bad incident", "dispatcher", &gridwatchv1.RecordArrivalRequest{Incident: "incidents/", Responder: "responders/w3"}, codes.InvalidArgument},
		{"bad responder", "dispatcher", &gridwatchv1.RecordArrivalRequest{Incident: inc.GetName(), Responder: "w3"}, codes.InvalidArgument},
	}
	for _, tt := range refused {
		_, err := e.dispatch.RecordArrival(withRole(t.Context(), tt.role), tt.req)
		if got := status.Code(err); got != tt.want {
			t.Errorf("%s: got %v (%v), want %v", tt.name, got, err, tt.want)
		}
	}
	at := created.Add(30 * time.Second) // within a minute ahead of now

	got, err := e.dispatch.RecordArrival(ctx, req("responders/w3", at))
	if err != nil {
		t.Fatalf("RecordArrival: %v", err)
	}
	a := got.GetAssignments()[0]
	if got.GetState() != gridwatchv1.IncidentState_INCIDENT_STATE_ON_SCENE || !a.GetArriveTime().AsTime().Equal(at) ||
		a.GetTimeToScene().AsDuration() != 30*time.Second || !a.GetTargetMet() {
		t.Errorf("after RecordArrival: state %v, assignment %v; want on scene at +30 s, 1-minute target met",
			got.GetState(), a)
	}
}
