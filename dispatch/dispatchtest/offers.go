package dispatchtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
)

func testCreateIdempotent(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	first, created, err := st.CreateIncident(ctx, incident("i1", 0, 1))
	if err != nil || !created {
		t.Fatalf("CreateIncident = created %v, %v; want created", created, err)
	}
	if first.State != dispatch.StateNew || len(first.Timeline) != 1 || first.Timeline[0].Type != dispatch.EventCreated {
		t.Errorf("created incident state %s, timeline %v; want new with one created event", first.State, first.Timeline)
	}
	retry := incident("i2", 0) // a retry carries a fresh id but the same request id
	retry.RequestID = "req-i1"
	got, created, err := st.CreateIncident(ctx, retry)
	if err != nil || created || got.ID != "i1" || len(got.Slots) != 2 {
		t.Errorf("retry = %s with %d slots, created %v, %v; want i1 with 2, not created", got.ID, len(got.Slots), created, err)
	}
	if _, err := st.Incident(ctx, "i2"); !isNotFound(err) {
		t.Errorf("Incident(i2) after the retry: %v, want not found", err)
	}
}

func testCreateConcurrent(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	var wg sync.WaitGroup
	created := make([]bool, 16)
	ids := make([]string, 16)
	for i := range created {
		wg.Go(func() {
			inc := incident(fmt.Sprintf("c%d", i), 0)
			inc.RequestID = "same"
			got, c, err := st.CreateIncident(ctx, inc)
			if err != nil {
				t.Errorf("CreateIncident: %v", err)
			}
			created[i], ids[i] = c, got.ID
		})
	}
	wg.Wait()
	n := 0
	for i, c := range created {
		if c {
			n++
		}
		if ids[i] != ids[0] {
			t.Errorf("call %d got incident %s, call 0 %s; want one incident", i, ids[i], ids[0])
		}
	}
	if n != 1 {
		t.Errorf("%d calls created an incident, want 1", n)
	}
}

func testCreateDuplicateID(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	active(t, st, "i1", 0)
	dup := incident("i1", 0)
	dup.RequestID = "other"
	_, _, err := st.CreateIncident(ctx, dup)
	wantErr(t, "CreateIncident(duplicate id)", err, dispatch.ErrConflict)
}

func testNotFound(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	active(t, st, "i1", 0)
	calls := map[string]func() error{
		"Incident":     func() error { _, err := st.Incident(ctx, "nope"); return err },
		"Offer":        func() error { _, err := st.Offer(ctx, offer("nope", 0, "r1"), 1); return err },
		"Accept":       func() error { _, err := st.Accept(ctx, "nope", "r1", Base); return err },
		"Decline":      func() error { _, err := st.Decline(ctx, "nope", "r1", Base); return err },
		"Lapse":        func() error { _, err := st.Lapse(ctx, "nope", Base); return err },
		"Withdraw":     func() error { _, err := st.Withdraw(ctx, "i1", "r1", Base, "r1"); return err },
		"Release":      func() error { _, err := st.Release(ctx, "i1", "r1", Base, "d1"); return err },
		"AssignmentOf": func() error { _, err := st.AssignmentOf(ctx, "r1"); return err },
		"MarkArrived": func() error {
			_, err := st.MarkArrived(ctx, dispatch.Arrival{IncidentID: "i1", ResponderID: "r1", At: Base})
			return err
		},
		"Transition": func() error {
			_, err := st.Transition(ctx, "nope", dispatch.StateNew, dispatch.StateDispatching, dispatch.Event{At: Base})
			return err
		},
	}
	for name, call := range calls {
		wantErr(t, name, call(), dispatch.ErrNotFound)
	}
}

func testOfferPreconditions(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	active(t, st, "i1", 0, 0)
	if _, _, err := st.CreateIncident(ctx, incident("fresh", 0)); err != nil {
		t.Fatal(err)
	}
	mustOffer(t, st, offer("i1", 0, "r1"), 2)
	mustOffer(t, st, offer("i1", 0, "r2"), 2)
	active(t, st, "other", 0)
	mustOffer(t, st, offer("other", 0, "busy"), 1)
	if _, err := st.Accept(ctx, "other/0/busy", "busy", Base); err != nil {
		t.Fatal(err)
	}
	expired := offer("i1", 1, "r9")
	expired.ExpiresAt = expired.OfferedAt
	tests := []struct {
		name       string
		o          dispatch.Offer
		maxPending int
		want       error
	}{
		{"incident new", offer("fresh", 0, "r1"), 1, dispatch.ErrConflict},
		{"slot out of range", offer("i1", 2, "r3"), 1, dispatch.ErrInvalid},
		{"max pending reached", offer("i1", 0, "r3"), 2, dispatch.ErrConflict},
		{"responder offered this slot", offer("i1", 0, "r1"), 3, dispatch.ErrConflict},
		{"responder offered another slot", offer("i1", 1, "r1"), 1, dispatch.ErrConflict},
		{"responder busy", offer("i1", 1, "busy"), 1, dispatch.ErrBusy},
		{"expires before offered", expired, 1, dispatch.ErrInvalid},
		{"max pending zero", offer("i1", 1, "r4"), 0, dispatch.ErrInvalid},
		{"fine", offer("i1", 1, "r4"), 1, nil},
	}
	for _, tt := range tests {
		_, err := st.Offer(ctx, tt.o, tt.maxPending)
		wantErr(t, "Offer "+tt.name, err, tt.want)
	}
}

func testOfferEffects(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	active(t, st, "i1", 1)
	ch := mustOffer(t, st, offer("i1", 0, "r1"), 1)
	o := ch.Incident.Offers[0]
	if o.State != dispatch.OfferPending || o.Circle != 1 || o.ResponderID != "r1" || !o.ExpiresAt.Equal(Base.Add(20*time.Second)) {
		t.Errorf("offer = %+v; want pending at circle 1 for r1", o)
	}
	if got := ch.Incident.Slots[0].State; got != dispatch.SlotOffered {
		t.Errorf("slot state %s, want offered", got)
	}
	if got, want := eventTypes(ch.Events), []dispatch.EventType{dispatch.EventOffered}; !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
}

func testAcceptEffects(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	active(t, st, "i1", 0, 0)
	mustOffer(t, st, offer("i1", 0, "r1"), 2)
	mustOffer(t, st, offer("i1", 0, "r2"), 2)
	mustOffer(t, st, offer("i1", 1, "r3"), 1)
	now := Base.Add(5 * time.Second)
	ch, err := st.Accept(ctx, "i1/0/r2", "r2", now)
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	inc := ch.Incident
	want := []dispatch.EventType{dispatch.EventAccepted, dispatch.EventRevoked, dispatch.EventTransition}
	if got := eventTypes(ch.Events); !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	if inc.State != dispatch.StateAssigned || inc.Slots[0].State != dispatch.SlotFilled || inc.Slots[0].Assignee != "r2" {
		t.Errorf("state %s, slot 0 %s by %q; want assigned, filled by r2", inc.State, inc.Slots[0].State, inc.Slots[0].Assignee)
	}
	states := map[string]dispatch.OfferState{}
	for _, o := range inc.Offers {
		states[o.ResponderID] = o.State
	}
	wantStates := map[string]dispatch.OfferState{"r1": dispatch.OfferRevoked, "r2": dispatch.OfferAccepted, "r3": dispatch.OfferPending}
	for r, w := range wantStates {
		if states[r] != w {
			t.Errorf("offer of %s is %s, want %s", r, states[r], w)
		}
	}
	a, err := st.AssignmentOf(ctx, "r2")
	if err != nil || a.IncidentID != "i1" || a.SlotIndex != 0 || !a.AcceptedAt.Equal(now) || a.OfferID != "i1/0/r2" {
		t.Errorf("AssignmentOf(r2) = %+v, %v; want i1 slot 0 accepted at %v", a, err, now)
	}
}

func testAcceptPreconditions(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	active(t, st, "i1", 0, 0)
	active(t, st, "i2", 0)
	mustOffer(t, st, offer("i1", 0, "r1"), 3)
	mustOffer(t, st, offer("i1", 0, "r2"), 3)
	mustOffer(t, st, offer("i1", 1, "r3"), 1)
	mustOffer(t, st, offer("i2", 0, "r3"), 1)
	mustOffer(t, st, offer("i1", 0, "r4"), 3)
	if _, err := st.Decline(ctx, "i1/0/r4", "r4", Base); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Accept(ctx, "i2/0/r3", "r3", Base); err != nil {
		t.Fatal(err)
	}
	expiry := Base.Add(20 * time.Second)
	tests := []struct {
		name, offer, responder string
		now                    time.Time
		want                   error
	}{
		{"someone else's offer", "i1/0/r1", "r2", Base, dispatch.ErrNotFound},
		{"at expiry", "i1/0/r1", "r1", expiry, dispatch.ErrExpired},
		{"after expiry", "i1/0/r1", "r1", expiry.Add(time.Second), dispatch.ErrExpired},
		{"declined", "i1/0/r4", "r4", Base, dispatch.ErrConflict},
		{"busy elsewhere", "i1/1/r3", "r3", Base, dispatch.ErrBusy},
		{"just before expiry", "i1/0/r1", "r1", expiry.Add(-time.Nanosecond), nil},
		{"slot filled", "i1/0/r2", "r2", Base, dispatch.ErrConflict},
	}
	for _, tt := range tests {
		_, err := st.Accept(ctx, tt.offer, tt.responder, tt.now)
		wantErr(t, "Accept "+tt.name, err, tt.want)
	}
}

func testAcceptRetry(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	active(t, st, "i1", 0)
	mustOffer(t, st, offer("i1", 0, "r1"), 1)
	first, err := st.Accept(ctx, "i1/0/r1", "r1", Base)
	if err != nil {
		t.Fatal(err)
	}
	again, err := st.Accept(ctx, "i1/0/r1", "r1", Base.Add(time.Minute))
	if err != nil || len(again.Events) != 0 || len(again.Incident.Timeline) != len(first.Incident.Timeline) {
		t.Errorf("retried Accept = %d events, %v; want none, no error", len(again.Events), err)
	}
}

func testDecline(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	active(t, st, "i1", 0)
	mustOffer(t, st, offer("i1", 0, "r1"), 2)
	mustOffer(t, st, offer("i1", 0, "r2"), 2)
	_, err := st.Decline(ctx, "i1/0/r1", "r2", Base)
	wantErr(t, "Decline(someone else's)", err, dispatch.ErrNotFound)
	ch, err := st.Decline(ctx, "i1/0/r1", "r1", Base)
	if err != nil || ch.Incident.Offers[0].State != dispatch.OfferDeclined || ch.Incident.Slots[0].State != dispatch.SlotOffered {
		t.Fatalf("Decline = offer %s, slot %s, %v; want declined, still offered", ch.Incident.Offers[0].State, ch.Incident.Slots[0].State, err)
	}
	ch, err = st.Decline(ctx, "i1/0/r2", "r2", Base.Add(time.Hour)) // late but not lapsed yet
	if err != nil || ch.Incident.Slots[0].State != dispatch.SlotOpen {
		t.Errorf("last Decline: slot %s, %v; want open", ch.Incident.Slots[0].State, err)
	}
	_, err = st.Decline(ctx, "i1/0/r2", "r2", Base)
	wantErr(t, "Decline twice", err, dispatch.ErrConflict)
}

func testLapse(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	active(t, st, "i1", 0)
	mustOffer(t, st, offer("i1", 0, "r1"), 1)
	expiry := Base.Add(20 * time.Second)
	_, err := st.Lapse(ctx, "i1/0/r1", expiry.Add(-time.Nanosecond))
	wantErr(t, "Lapse before expiry", err, dispatch.ErrConflict)
	ch, err := st.Lapse(ctx, "i1/0/r1", expiry)
	if err != nil || ch.Incident.Offers[0].State != dispatch.OfferLapsed || ch.Incident.Slots[0].State != dispatch.SlotOpen {
		t.Fatalf("Lapse at expiry: %v; want lapsed, slot open", err)
	}
	if ev := ch.Events[0]; ev.Type != dispatch.EventLapsed || ev.Actor != dispatch.ActorSystem || ev.ResponderID != "r1" {
		t.Errorf("event %+v; want lapsed by system for r1", ev)
	}
	_, err = st.Lapse(ctx, "i1/0/r1", expiry)
	wantErr(t, "Lapse twice", err, dispatch.ErrConflict)
	_, err = st.Accept(ctx, "i1/0/r1", "r1", Base)
	wantErr(t, "Accept after lapse", err, dispatch.ErrConflict)
}

func isNotFound(err error) bool { return err != nil && errors.Is(err, dispatch.ErrNotFound) }
