package dispatchtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence/presencetest"
)

// CallerKey is a caller key for tests.
var CallerKey = []byte("0123456789abcdef0123456789abcdef")

// OneSlotPolicy asks for one responder of any kind from the 1-minute
// circle, whatever the incident.
func OneSlotPolicy() dispatch.Policy {
	p := dispatch.DefaultPolicy()
	p.Rules = []dispatch.Rule{{Category: dispatch.AnyCategory, MinSeverity: 1,
		Draws: []dispatch.Draw{{Circle: 0, Count: 1}}}}
	return p
}

// testServiceAcceptVersusTick races Service.Accept against Service.Tick
// as the offer expires on a fake clock; after one more tick each trial
// must end with the slot accepted by the first candidate, or with their
// offer lapsed and the slot re-offered to the second: never both, never
// neither.
func testServiceAcceptVersusTick(t *testing.T, newStore newStoreFunc) {
	clock := presencetest.NewClock(Base)
	finder := &Finder{}
	finder.Set(Responders(grid.WatchVolunteer, "first", "second"))
	svc, err := dispatch.NewService(newStore(t), finder, &Statuses{},
		dispatch.Config{Policy: OneSlotPolicy(), CallerKey: CallerKey, Now: clock.Now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for k := range 300 {
		clock.Set(Base.Add(time.Duration(k) * time.Hour))
		inc, err := svc.CreateIncident(ctx, dispatch.NewIncident{Category: "dispute", Severity: 2,
			Position: Shenyang, Source: dispatch.SourceCall110})
		if err != nil || len(inc.Offers) != 1 {
			t.Fatalf("trial %d: CreateIncident = %d offers, %v; want one", k, len(inc.Offers), err)
		}
		o := inc.Offers[0]
		clock.Set(o.ExpiresAt.Add(time.Duration(k%3-2) * time.Nanosecond))
		var wg sync.WaitGroup
		var acceptErr error
		wg.Go(func() { _, acceptErr = svc.Accept(ctx, o.ID, "first") })
		wg.Go(func() {
			clock.Advance(time.Nanosecond)
			if err := svc.Tick(ctx); err != nil {
				t.Errorf("trial %d: Tick: %v", k, err)
			}
		})
		wg.Wait()
		if acceptErr != nil && !errors.Is(acceptErr, dispatch.ErrConflict) {
			t.Fatalf("trial %d: Accept: %v", k, acceptErr)
		}
		clock.Advance(time.Second)
		if err := svc.Tick(ctx); err != nil {
			t.Fatalf("trial %d: the next Tick: %v", k, err)
		}
		checkServiceTrial(t, svc, k, inc.ID, acceptErr == nil)
		if _, err := svc.Transition(ctx, inc.ID, dispatch.StateCancelled, "test", ""); err != nil {
			t.Fatalf("trial %d: cancelling: %v", k, err)
		}
	}
}

// checkServiceTrial checks one trial's end state.
func checkServiceTrial(t *testing.T, svc *dispatch.Service, k int, id string, won bool) {
	t.Helper()
	inc, err := svc.Incident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	first := inc.Offers[0].State
	switch {
	case first == dispatch.OfferAccepted && won:
		if len(inc.Offers) != 1 || inc.Slots[0].Assignee != "first" || inc.State != dispatch.StateAssigned {
			t.Fatalf("trial %d: accepted, but %d offers, slot held by %q, state %s", k,
				len(inc.Offers), inc.Slots[0].Assignee, inc.State)
		}
	case first == dispatch.OfferLapsed && !won:
		if len(inc.Offers) != 2 || inc.Offers[1].ResponderID != "second" ||
			inc.Offers[1].State != dispatch.OfferPending || inc.Slots[0].State != dispatch.SlotOffered {
			t.Fatalf("trial %d: lapsed, but not re-offered to second: %+v", k, inc.Offers)
		}
	default:
		t.Fatalf("trial %d: first offer %s, accept succeeded %v", k, first, won)
	}
}
