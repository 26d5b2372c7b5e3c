package dispatchtest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
)

// accepted makes an active incident id whose slot 0 r holds.
func accepted(t *testing.T, st dispatch.Store, id, r string, circles ...int) dispatch.Incident {
	t.Helper()
	active(t, st, id, circles...)
	mustOffer(t, st, offer(id, 0, r), 1)
	ch, err := st.Accept(context.Background(), offer(id, 0, r).ID, r, Base)
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	return ch.Incident
}

func testAssign(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	accepted(t, st, "i1", "r1", 0, 0)
	mustOffer(t, st, offer("i1", 1, "r2"), 2)
	mustOffer(t, st, offer("i1", 1, "r3"), 2)
	a := func(slot int, r string) dispatch.Assignment {
		return dispatch.Assignment{IncidentID: "i1", SlotIndex: slot, ResponderID: r, AcceptedAt: Base}
	}
	_, err := st.Assign(ctx, a(0, "r4"), "d1")
	wantErr(t, "Assign(filled slot)", err, dispatch.ErrConflict)
	_, err = st.Assign(ctx, a(1, "r1"), "d1")
	wantErr(t, "Assign(busy responder)", err, dispatch.ErrBusy)
	_, err = st.Assign(ctx, a(5, "r4"), "d1")
	wantErr(t, "Assign(bad slot)", err, dispatch.ErrInvalid)
	ch, err := st.Assign(ctx, a(1, "r3"), "d1")
	if err != nil {
		t.Fatalf("Assign: %v", err)
	}
	for _, o := range ch.Incident.Offers[1:] {
		if o.State != dispatch.OfferRevoked {
			t.Errorf("offer of %s is %s, want revoked", o.ResponderID, o.State)
		}
	}
	got, err := st.AssignmentOf(ctx, "r3")
	if err != nil || !got.Manual || got.SlotIndex != 1 {
		t.Errorf("AssignmentOf(r3) = %+v, %v; want manual on slot 1", got, err)
	}
	if ev := ch.Events[len(ch.Events)-1]; ev.Type != dispatch.EventAssigned || ev.Actor != "d1" {
		t.Errorf("last event %+v, want assigned by d1", ev)
	}
}

func testWithdraw(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	accepted(t, st, "i1", "r1", 0)
	ch, err := st.Withdraw(ctx, "i1", "r1", Base.Add(time.Minute), "r1")
	if err != nil {
		t.Fatalf("Withdraw: %v", err)
	}
	inc := ch.Incident
	if inc.State != dispatch.StateDispatching || inc.Slots[0].State != dispatch.SlotOpen ||
		inc.Offers[0].State != dispatch.OfferWithdrawn || !inc.Assignments[0].Withdrawn || inc.Assignments[0].Current() {
		t.Errorf("after Withdraw: state %s, slot %s, offer %s, assignment %+v; want dispatching, open, withdrawn, released",
			inc.State, inc.Slots[0].State, inc.Offers[0].State, inc.Assignments[0])
	}
	if _, err := st.AssignmentOf(ctx, "r1"); !isNotFound(err) {
		t.Errorf("AssignmentOf after Withdraw: %v, want not found", err)
	}
	_, err = st.Withdraw(ctx, "i1", "r1", Base, "r1")
	wantErr(t, "Withdraw twice", err, dispatch.ErrNotFound)
	_, err = st.Offer(ctx, offer("i1", 0, "r1"), 1)
	wantErr(t, "Offer to the withdrawn responder again", err, dispatch.ErrConflict)
	mustOffer(t, st, offer("i1", 0, "r2"), 1)
}

func testRelease(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	accepted(t, st, "i1", "r1", 0)
	ch, err := st.Release(ctx, "i1", "r1", Base.Add(time.Minute), "d1")
	if err != nil || ch.Incident.Slots[0].State != dispatch.SlotFilled || ch.Incident.Assignments[0].Current() {
		t.Fatalf("Release: %v; want the slot still filled, the assignment ended", err)
	}
	if _, err := st.AssignmentOf(ctx, "r1"); !isNotFound(err) {
		t.Errorf("AssignmentOf after Release: %v, want not found", err)
	}
	accepted(t, st, "i2", "r1", 0) // free again
}

func testMarkArrived(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	accepted(t, st, "i1", "r1", 0, 0)
	tests := []struct {
		name     string
		at       time.Time
		override bool
		wantTTS  time.Duration
		wantMet  bool
		events   int
	}{
		{"first arrival", Base.Add(90 * time.Second), false, 90 * time.Second, false, 2},
		{"second is ignored", Base.Add(30 * time.Second), false, 90 * time.Second, false, 0},
		{"override", Base.Add(50 * time.Second), true, 50 * time.Second, true, 1},
	}
	for _, tt := range tests {
		ch, err := st.MarkArrived(ctx, dispatch.Arrival{IncidentID: "i1", ResponderID: "r1", At: tt.at,
			Target: time.Minute, Actor: "x", Override: tt.override})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		a := ch.Incident.Assignments[0]
		if a.TimeToScene != tt.wantTTS || a.TargetMet != tt.wantMet || len(ch.Events) != tt.events {
			t.Errorf("%s: time to scene %v, met %v, %d events; want %v, %v, %d", tt.name,
				a.TimeToScene, a.TargetMet, len(ch.Events), tt.wantTTS, tt.wantMet, tt.events)
		}
		if ch.Incident.State != dispatch.StateOnScene {
			t.Errorf("%s: state %s, want on_scene", tt.name, ch.Incident.State)
		}
	}
}

func testWidenAndExhaust(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	active(t, st, "i1", 0, 0)
	mustOffer(t, st, offer("i1", 1, "r1"), 1)
	tests := []struct {
		name           string
		slot, from, to int
		want           error
	}{
		{"offered slot", 1, 0, 1, dispatch.ErrConflict},
		{"wrong from", 0, 1, 2, dispatch.ErrConflict},
		{"not beyond", 0, 0, 0, dispatch.ErrInvalid},
		{"widen", 0, 0, 1, nil},
		{"again from 0", 0, 0, 1, dispatch.ErrConflict},
	}
	for _, tt := range tests {
		_, err := st.WidenSlot(ctx, "i1", tt.slot, tt.from, tt.to, Base)
		wantErr(t, "WidenSlot "+tt.name, err, tt.want)
	}
	inc, err := st.Incident(ctx, "i1")
	if err != nil {
		t.Fatal(err)
	}
	// Notes number circles from 1, as the API does.
	if got, want := inc.Timeline[len(inc.Timeline)-1].Note, "circle 1 to 2"; got != want {
		t.Errorf("widened note %q, want %q", got, want)
	}
	ch, err := st.ExhaustSlot(ctx, "i1", 0, 1, Base)
	if err != nil || ch.Incident.Slots[0].State != dispatch.SlotExhausted || ch.Incident.Slots[0].Circle != 1 {
		t.Fatalf("ExhaustSlot: %v; want slot 0 exhausted at circle 1", err)
	}
	if !ch.Events[0].Type.Alert() {
		t.Errorf("exhausted event %v is not an alert", ch.Events[0].Type)
	}
	_, err = st.Offer(ctx, offer("i1", 0, "r2"), 1)
	wantErr(t, "Offer(exhausted slot)", err, dispatch.ErrConflict)
	if _, err := st.Assign(ctx, dispatch.Assignment{IncidentID: "i1", SlotIndex: 0, ResponderID: "r2", AcceptedAt: Base}, "d1"); err != nil {
		t.Errorf("Assign(exhausted slot): %v", err)
	}
}

func testTransitions(t *testing.T, newStore newStoreFunc) {
	all := []dispatch.State{dispatch.StateNew, dispatch.StateDispatching, dispatch.StateAssigned,
		dispatch.StateOnScene, dispatch.StateResolved, dispatch.StateClosed, dispatch.StateCancelled}
	st, ctx := newStore(t), context.Background()
	for _, from := range all {
		for _, to := range all {
			id := from.String() + "-" + to.String()
			reach(t, st, id, from)
			_, err := st.Transition(ctx, id, from, to, dispatch.Event{At: Base, Actor: "d1"})
			var want error
			if !dispatch.CanTransition(from, to) {
				want = dispatch.ErrInvalidTransition
			}
			wantErr(t, "Transition "+id, err, want)
		}
	}
	_, err := st.Transition(ctx, "new-new", dispatch.StateDispatching, dispatch.StateAssigned, dispatch.Event{At: Base})
	wantErr(t, "Transition from a stale state", err, dispatch.ErrConflict)
}

// reach creates incident id and walks it to state s.
func reach(t *testing.T, st dispatch.Store, id string, s dispatch.State) {
	t.Helper()
	path := map[dispatch.State][]dispatch.State{
		dispatch.StateNew:       nil,
		dispatch.StateCancelled: {dispatch.StateCancelled},
		dispatch.StateClosed:    {dispatch.StateDispatching, dispatch.StateAssigned, dispatch.StateResolved, dispatch.StateClosed},
	}
	steps, ok := path[s]
	if !ok {
		for _, x := range []dispatch.State{dispatch.StateDispatching, dispatch.StateAssigned, dispatch.StateOnScene, dispatch.StateResolved} {
			steps = append(steps, x)
			if x == s {
				break
			}
		}
	}
	if _, _, err := st.CreateIncident(context.Background(), incident(id, 0)); err != nil {
		t.Fatal(err)
	}
	from := dispatch.StateNew
	for _, to := range steps {
		if _, err := st.Transition(context.Background(), id, from, to, dispatch.Event{At: Base}); err != nil {
			t.Fatalf("walking %s: %s to %s: %v", id, from, to, err)
		}
		from = to
	}
}

func testEndReleasesAll(t *testing.T, newStore newStoreFunc) {
	for _, end := range []dispatch.State{dispatch.StateCancelled, dispatch.StateResolved} {
		st, ctx := newStore(t), context.Background()
		accepted(t, st, "i1", "r1", 0, 0, 0)
		mustOffer(t, st, offer("i1", 1, "r2"), 1)
		ch, err := st.Transition(ctx, "i1", dispatch.StateAssigned, end, dispatch.Event{At: Base, Actor: "d1"})
		if err != nil {
			t.Fatalf("Transition to %s: %v", end, err)
		}
		want := []dispatch.EventType{dispatch.EventTransition, dispatch.EventRevoked, dispatch.EventReleased}
		if got := eventTypes(ch.Events); !slices.Equal(got, want) {
			t.Errorf("to %s: events %v, want %v", end, got, want)
		}
		if _, err := st.AssignmentOf(ctx, "r1"); !isNotFound(err) {
			t.Errorf("to %s: r1 still assigned: %v", end, err)
		}
		if offers, _ := st.PendingOffers(ctx, Base.Add(time.Hour)); len(offers) != 0 {
			t.Errorf("to %s: %d offers still pending", end, len(offers))
		}
		_, err = st.Offer(ctx, offer("i1", 2, "r3"), 1)
		wantErr(t, "Offer after "+end.String(), err, dispatch.ErrConflict)
	}
}

func testPendingOffers(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	active(t, st, "i1", 0, 0, 0)
	for i, r := range []string{"r1", "r2", "r3"} {
		o := offer("i1", i, r)
		o.ExpiresAt = Base.Add(time.Duration(30-10*i) * time.Second) // r3 first
		mustOffer(t, st, o, 1)
	}
	if _, err := st.Decline(ctx, offer("i1", 1, "r2").ID, "r2", Base); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		before time.Time
		want   []string
	}{
		{Base.Add(9 * time.Second), nil},
		{Base.Add(10 * time.Second), []string{"r3"}},
		{Base.Add(time.Hour), []string{"r3", "r1"}},
	}
	for _, tt := range tests {
		offers, err := st.PendingOffers(ctx, tt.before)
		var got []string
		for _, o := range offers {
			got = append(got, o.ResponderID)
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("PendingOffers(%v) = %v, %v; want %v", tt.before.Sub(Base), got, err, tt.want)
		}
	}
}

func testUnstaffed(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	accepted(t, st, "full", "r1", 0)
	active(t, st, "open", 0)
	active(t, st, "offered", 0)
	mustOffer(t, st, offer("offered", 0, "r2"), 1)
	if _, _, err := st.CreateIncident(ctx, incident("new", 0)); err != nil {
		t.Fatal(err)
	}
	active(t, st, "cancelled", 0)
	if _, err := st.Transition(ctx, "cancelled", dispatch.StateDispatching, dispatch.StateCancelled, dispatch.Event{At: Base}); err != nil {
		t.Fatal(err)
	}
	ids, err := st.Unstaffed(ctx)
	if err != nil || !slices.Equal(ids, []string{"open"}) {
		t.Errorf("Unstaffed = %v, %v; want [open]", ids, err)
	}
}

func testTimelineNumbered(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	accepted(t, st, "i1", "r1", 0)
	if _, err := st.Withdraw(ctx, "i1", "r1", Base, "r1"); err != nil {
		t.Fatal(err)
	}
	inc, err := st.Incident(ctx, "i1")
	if err != nil {
		t.Fatal(err)
	}
	want := []dispatch.EventType{dispatch.EventCreated, dispatch.EventTransition, dispatch.EventOffered,
		dispatch.EventAccepted, dispatch.EventTransition, dispatch.EventWithdrawn, dispatch.EventTransition}
	if got := eventTypes(inc.Timeline); !slices.Equal(got, want) {
		t.Errorf("timeline %v, want %v", got, want)
	}
	for i, ev := range inc.Timeline {
		if ev.Seq != i+1 || ev.Actor == "" {
			t.Errorf("event %d: seq %d, actor %q; want seq %d and an actor", i, ev.Seq, ev.Actor, i+1)
		}
	}
}
