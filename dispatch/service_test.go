package dispatch_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/dispatch/dispatchtest"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/presence/presencetest"
	"github.com/gridwatch/gridwatch/store/memory"
)

// env is a service over the memory engine with fakes around it.
type env struct {
	svc      *dispatch.Service
	clock    *presencetest.Clock
	finder   *dispatchtest.Finder
	statuses *dispatchtest.Statuses
	sink     *dispatchtest.Sink
}

// newEnv returns a service whose policy asks for one local responder from
// the 1-minute circle and one patrol from the 3-minute circle; circle 0
// holds volunteers v1 and v2, circle 1 patrol p1.
func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{clock: presencetest.NewClock(dispatchtest.Base), finder: &dispatchtest.Finder{},
		statuses: &dispatchtest.Statuses{}, sink: &dispatchtest.Sink{}}
	e.finder.Set(dispatchtest.Responders(grid.WatchVolunteer, "v1", "v2"),
		dispatchtest.Responders(grid.PatrolOfficer, "p1"), nil)
	var err error
	e.svc, err = dispatch.NewService(memory.NewDispatch(), e.finder, e.statuses, dispatch.Config{
		CallerKey: dispatchtest.CallerKey, Now: e.clock.Now, Sink: e.sink}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func request(id string) dispatch.NewIncident {
	return dispatch.NewIncident{RequestID: id, Category: "theft", Severity: 2, Position: dispatchtest.Shenyang,
		Address: "Zhongshan Rd 1", Source: dispatch.SourceCall110, CallerPhone: "+86 138-0000-0000"}
}

// pendingOf returns the responders with pending offers.
func pendingOf(inc dispatch.Incident) []string {
	var ids []string
	for _, o := range inc.Offers {
		if o.State == dispatch.OfferPending {
			ids = append(ids, o.ResponderID)
		}
	}
	return ids
}

// offerOf returns the id of the responder's offer.
func offerOf(t *testing.T, inc dispatch.Incident, r string) string {
	t.Helper()
	for _, o := range inc.Offers {
		if o.ResponderID == r {
			return o.ID
		}
	}
	t.Fatalf("no offer to %s in %+v", r, inc.Offers)
	return ""
}

func TestServiceFlow(t *testing.T) {
	e, ctx := newEnv(t), context.Background()
	inc, err := e.svc.CreateIncident(ctx, request("req-1"))
	if err != nil {
		t.Fatal(err)
	}
	if got := pendingOf(inc); !slices.Equal(got, []string{"v1", "p1"}) || inc.State != dispatch.StateDispatching {
		t.Fatalf("after create: pending %v, state %s; want [v1 p1], dispatching", got, inc.State)
	}
	if inc, err = e.svc.Decline(ctx, offerOf(t, inc, "v1"), "v1"); err != nil {
		t.Fatal(err)
	}
	if got := pendingOf(inc); !slices.Equal(got, []string{"p1", "v2"}) {
		t.Fatalf("after decline: pending %v, want [p1 v2]", got)
	}
	e.clock.Advance(5 * time.Second)
	if inc, err = e.svc.Accept(ctx, offerOf(t, inc, "v2"), "v2"); err != nil {
		t.Fatal(err)
	}
	if inc.State != dispatch.StateAssigned || e.statuses.Get("v2") != presence.Busy {
		t.Fatalf("after accept: state %s, v2 %s; want assigned, busy", inc.State, e.statuses.Get("v2"))
	}
	e.clock.Advance(20 * time.Second) // p1's offer lapses; no one else: widen, then exhaust
	if err := e.svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if inc, _ = e.svc.Incident(ctx, inc.ID); inc.Slots[1].State != dispatch.SlotExhausted || inc.Slots[1].Circle != 2 {
		t.Fatalf("after tick: slot 1 %s at circle %d, want exhausted at 2", inc.Slots[1].State, inc.Slots[1].Circle)
	}
	var alerts []dispatch.EventType
	for _, ev := range e.sink.Events() {
		if ev.Type.Alert() {
			alerts = append(alerts, ev.Type)
		}
	}
	if want := []dispatch.EventType{dispatch.EventWidened, dispatch.EventExhausted}; !slices.Equal(alerts, want) {
		t.Errorf("alerts %v, want %v", alerts, want)
	}
	arrive(t, e, inc.ID)
	if inc, err = e.svc.Transition(ctx, inc.ID, dispatch.StateResolved, "d1", "handled"); err != nil {
		t.Fatal(err)
	}
	if e.statuses.Get("v2") != presence.Available {
		t.Errorf("after resolve v2 is %s, want available", e.statuses.Get("v2"))
	}
	if _, err := e.svc.Transition(ctx, inc.ID, dispatch.StateClosed, "d1", ""); err != nil {
		t.Fatal(err)
	}
	if n := len(e.sink.Events()); n != len(inc.Timeline)+1 {
		t.Errorf("sink got %d events, timeline has %d", n, len(inc.Timeline)+1)
	}
}

// arrive walks v2 to the incident: 200 m away is not there, 20 m is.
func arrive(t *testing.T, e *env, id string) {
	t.Helper()
	ctx := context.Background()
	e.clock.Advance(10 * time.Second) // 35 s after the call
	far := geo.LatLng{Lat: dispatchtest.Shenyang.Lat + 0.0018, Lng: dispatchtest.Shenyang.Lng}
	near := geo.LatLng{Lat: dispatchtest.Shenyang.Lat + 0.00018, Lng: dispatchtest.Shenyang.Lng}
	for _, step := range []struct {
		pos  geo.LatLng
		want bool
	}{{far, false}, {near, true}, {near, false}} {
		got, err := e.svc.ObserveArrival(ctx, "v2", step.pos)
		if err != nil || got != step.want {
			t.Fatalf("ObserveArrival(%v) = %v, %v; want %v", step.pos, got, err, step.want)
		}
	}
	inc, _ := e.svc.Incident(ctx, id)
	a := inc.Assignments[0]
	if inc.State != dispatch.StateOnScene || a.TimeToScene != 35*time.Second || !a.TargetMet {
		t.Errorf("arrival: state %s, time to scene %v, met %v; want on_scene, 35s, met", inc.State, a.TimeToScene, a.TargetMet)
	}
}

// TestServiceSearchesOncePerKinds checks that staffing an incident asks
// presence once per set of kinds: a slot widening to the next circle and a
// second slot of the same kinds reuse the search.
func TestServiceSearchesOncePerKinds(t *testing.T) {
	local, patrol := dispatchtest.Responders(grid.WatchVolunteer, "v1", "v2"), dispatchtest.Responders(grid.PatrolOfficer, "p1")
	tests := []struct {
		name         string
		severity     int
		circles      [][]presence.Ranked
		wantPending  []string
		wantCircles  []int
		wantSearches int
	}{
		{"no one near: both slots widen to circle 3", 2, [][]presence.Ranked{nil, nil, append(local[:1:1], patrol...)},
			[]string{"v1", "p1"}, []int{2, 2}, 2},
		{"two locals, a patrol, reinforcements none", 4, [][]presence.Ranked{local, patrol, nil},
			[]string{"v1", "v2", "p1"}, []int{0, 0, 1, 2}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.finder.Set(tt.circles...)
			req := request("req-" + tt.name)
			req.Severity = tt.severity
			inc, err := e.svc.CreateIncident(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			var circles []int
			for _, sl := range inc.Slots {
				circles = append(circles, sl.Circle)
			}
			if got := pendingOf(inc); !slices.Equal(got, tt.wantPending) || !slices.Equal(circles, tt.wantCircles) {
				t.Errorf("pending %v, slot circles %v; want %v, %v", got, circles, tt.wantPending, tt.wantCircles)
			}
			if got := e.finder.Searches(); got != tt.wantSearches {
				t.Errorf("searches: got %d, want %d", got, tt.wantSearches)
			}
		})
	}
}

func TestServiceCreateIdempotent(t *testing.T) {
	e, ctx := newEnv(t), context.Background()
	first, err := e.svc.CreateIncident(ctx, request("req-1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.CreateIncident(ctx, request("req-1"))
	if err != nil || again.ID != first.ID || len(again.Offers) != len(first.Offers) {
		t.Errorf("retry = %s with %d offers, %v; want %s with %d", again.ID, len(again.Offers), err, first.ID, len(first.Offers))
	}
	if first.CallerHash != dispatch.HashCaller(dispatchtest.CallerKey, "+8613800000000") || len(first.CallerHash) != 64 {
		t.Errorf("caller hash %q is not the HMAC of the normalised number", first.CallerHash)
	}
}

func TestServiceWithdrawReoffers(t *testing.T) {
	e, ctx := newEnv(t), context.Background()
	inc, _ := e.svc.CreateIncident(ctx, request(""))
	inc, err := e.svc.Accept(ctx, offerOf(t, inc, "v1"), "v1")
	if err != nil {
		t.Fatal(err)
	}
	if inc, err = e.svc.Withdraw(ctx, inc.ID, "v1", "v1"); err != nil {
		t.Fatal(err)
	}
	if got := pendingOf(inc); !slices.Equal(got, []string{"p1", "v2"}) || e.statuses.Get("v1") != presence.Available {
		t.Errorf("after withdraw: pending %v, v1 %s; want [p1 v2], available", got, e.statuses.Get("v1"))
	}
}

func TestServiceBusyResponderDeclines(t *testing.T) {
	e, ctx := newEnv(t), context.Background()
	a, _ := e.svc.CreateIncident(ctx, request("a"))
	b, _ := e.svc.CreateIncident(ctx, request("b")) // v1 is offered both
	if _, err := e.svc.Accept(ctx, offerOf(t, a, "v1"), "v1"); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Accept(ctx, offerOf(t, b, "v1"), "v1")
	if !errors.Is(err, dispatch.ErrBusy) {
		t.Fatalf("second Accept: %v, want ErrBusy", err)
	}
	b, _ = e.svc.Incident(ctx, b.ID)
	if got := pendingOf(b); !slices.Equal(got, []string{"p1", "v2"}) {
		t.Errorf("b pending %v, want [p1 v2]", got)
	}
}

func TestServiceAssignAndOverride(t *testing.T) {
	e, ctx := newEnv(t), context.Background()
	inc, _ := e.svc.CreateIncident(ctx, request(""))
	inc, err := e.svc.Assign(ctx, inc.ID, 1, "p9", "d1")
	if err != nil || inc.Slots[1].Assignee != "p9" || e.statuses.Get("p9") != presence.Busy {
		t.Fatalf("Assign = slot 1 %q, %v; want p9, busy", inc.Slots[1].Assignee, err)
	}
	if _, err := e.svc.MarkArrived(ctx, inc.ID, "p9", "d1", dispatchtest.Base.Add(4*time.Minute)); !errors.Is(err, dispatch.ErrInvalid) {
		t.Errorf("MarkArrived 4 minutes ahead of the clock: %v, want ErrInvalid", err)
	}
	if _, err := e.svc.MarkArrived(ctx, inc.ID, "p9", "d1", dispatchtest.Base.Add(-time.Second)); !errors.Is(err, dispatch.ErrInvalid) {
		t.Errorf("MarkArrived before the incident: %v, want ErrInvalid", err)
	}
	e.clock.Advance(5 * time.Minute)
	inc, err = e.svc.MarkArrived(ctx, inc.ID, "p9", "d1", dispatchtest.Base.Add(4*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if a := inc.Assignments[0]; a.TimeToScene != 4*time.Minute || a.TargetMet {
		t.Errorf("override: time to scene %v, met %v; want 4m, missed (3-minute circle)", a.TimeToScene, a.TargetMet)
	}
	_, err = e.svc.MarkArrived(ctx, inc.ID, "v2", "d1", time.Time{})
	if !errors.Is(err, dispatch.ErrNotFound) {
		t.Errorf("MarkArrived(unassigned): %v, want not found", err)
	}
}

func TestServiceInvalid(t *testing.T) {
	e, ctx := newEnv(t), context.Background()
	tests := []struct {
		field string
		edit  func(r *dispatch.NewIncident)
	}{
		{"category", func(r *dispatch.NewIncident) { r.Category = "" }},
		{"category", func(r *dispatch.NewIncident) { r.Category = "*" }},
		{"severity", func(r *dispatch.NewIncident) { r.Severity = 6 }},
		{"position", func(r *dispatch.NewIncident) { r.Position.Lat = 91 }},
		{"source", func(r *dispatch.NewIncident) { r.Source = 0 }},
	}
	for _, tt := range tests {
		req := request("")
		tt.edit(&req)
		_, err := e.svc.CreateIncident(ctx, req)
		if !errors.Is(err, dispatch.ErrInvalid) || err.Error()[:len(tt.field)] != tt.field {
			t.Errorf("CreateIncident with a bad %s: %v, want an error naming it", tt.field, err)
		}
	}
	_, err := e.svc.Transition(ctx, "x", dispatch.StateAssigned, "d1", "")
	if !errors.Is(err, dispatch.ErrInvalid) {
		t.Errorf("Transition to assigned by hand: %v, want invalid", err)
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+86 138-0000-0000", "+8613800000000"},
		{"(024) 2345 6789", "02423456789"},
		{"1+2", "12"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := dispatch.NormalizePhone(tt.in); got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// changeSink records each change's events as one batch.
type changeSink struct {
	dispatchtest.Sink
	batches [][]dispatch.Event
}

func (s *changeSink) PublishChange(_ context.Context, _ *dispatch.Incident, events []dispatch.Event) {
	s.batches = append(s.batches, slices.Clone(events))
}

// TestServiceChangeSink: a ChangeSink gets each change's events in one
// call, in timeline order, and nothing through Publish.
func TestServiceChangeSink(t *testing.T) {
	e, ctx := newEnv(t), context.Background()
	sink := &changeSink{}
	svc, err := dispatch.NewService(memory.NewDispatch(), e.finder, e.statuses, dispatch.Config{
		CallerKey: dispatchtest.CallerKey, Now: e.clock.Now, Sink: sink}, nil)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.CreateIncident(ctx, request(""))
	if err != nil {
		t.Fatal(err)
	}
	if inc, err = svc.Accept(ctx, offerOf(t, inc, "v1"), "v1"); err != nil {
		t.Fatal(err)
	}
	var flat []dispatch.Event
	for _, b := range sink.batches {
		flat = append(flat, b...)
	}
	last := sink.batches[len(sink.batches)-1]
	if !slices.EqualFunc(flat, inc.Timeline, func(a, b dispatch.Event) bool { return a.Seq == b.Seq && a.Type == b.Type }) ||
		len(last) != 2 || last[0].Type != dispatch.EventAccepted || last[1].Type != dispatch.EventTransition {
		t.Errorf("batches %v\nwant the timeline %v, the accept's two events in one batch", sink.batches, inc.Timeline)
	}
	if n := len(sink.Events()); n != 0 {
		t.Errorf("Publish got %d events, want none", n)
	}
}
