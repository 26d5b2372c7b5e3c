package dispatchtest

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/presence/presencetest"
)

// errFinderDown is what a switchFinder returns while down.
var errFinderDown = errors.New("finder down")

// switchFinder is a Finder that fails while down is set, as presence does
// when its store is unreachable.
type switchFinder struct {
	Finder
	down atomic.Bool
}

// FindResponders fails while down, else asks the Finder.
func (f *switchFinder) FindResponders(ctx context.Context, q presence.Query) ([]presence.Circle, error) {
	if f.down.Load() {
		return nil, errFinderDown
	}
	return f.Finder.FindResponders(ctx, q)
}

// testServiceResume is a restart of the server: service A makes an offer
// and leaves a second incident's slot open (its finder failed after the
// incident was stored), then A is dropped and service B is built over the
// same store. B keeps nothing from A, yet its first Tick staffs the open
// slot and leaves the offer alone until its deadline, and the Tick at the
// deadline lapses the offer and re-offers the slot to the next candidate.
func testServiceResume(t *testing.T, newStore newStoreFunc) {
	ctx, st := context.Background(), newStore(t)
	clock := presencetest.NewClock(Base)
	finder := &switchFinder{}
	finder.Set(Responders(grid.WatchVolunteer, "first", "second"))
	pending, open := runServiceA(t, st, finder, clock)
	deadline := pending.Offers[0].ExpiresAt

	sink := &Sink{}
	b := resumeService(t, st, finder, clock, sink)
	ticks := []struct {
		at   time.Time
		want map[string][]string // incident id → its offers as "responder:state"
	}{
		{deadline.Add(-time.Nanosecond), map[string][]string{
			pending.ID: {"first:pending"}, open.ID: {"first:pending"}}},
		{deadline, map[string][]string{
			pending.ID: {"first:lapsed", "second:pending"}, open.ID: {"first:pending"}}},
	}
	for i, tick := range ticks {
		clock.Set(tick.at)
		if err := b.Tick(ctx); err != nil {
			t.Fatalf("B: tick %d: %v", i, err)
		}
		for id, want := range tick.want {
			inc, err := b.Incident(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := offerStates(inc); !slices.Equal(got, want) || inc.Slots[0].State != dispatch.SlotOffered {
				t.Errorf("after B's tick %d: %s has offers %v, slot %s; want %v, offered", i, id, got,
					inc.Slots[0].State, want)
			}
		}
	}
	var got []string
	for _, ev := range sink.Events() {
		got = append(got, ev.Type.String()+":"+ev.ResponderID)
	}
	if want := []string{"offered:first", "lapsed:first", "offered:second"}; !slices.Equal(got, want) {
		t.Errorf("B published %v, want %v", got, want)
	}
}

// runServiceA is the first server's life: it creates an incident whose
// slot it offers, and another whose slot it leaves open because the
// finder fails once the incident is stored. Service A ends with the call.
func runServiceA(t *testing.T, st dispatch.Store, finder *switchFinder, clock *presencetest.Clock) (pending, open dispatch.Incident) {
	t.Helper()
	ctx := context.Background()
	a := resumeService(t, st, finder, clock, nil)
	pending, err := a.CreateIncident(ctx, dispatch.NewIncident{RequestID: "pending", Category: "dispute",
		Severity: 2, Position: Shenyang, Source: dispatch.SourceCall110})
	if err != nil || len(pending.Offers) != 1 {
		t.Fatalf("A: CreateIncident = %d offers, %v; want one", len(pending.Offers), err)
	}
	finder.down.Store(true)
	defer finder.down.Store(false)
	open, err = a.CreateIncident(ctx, dispatch.NewIncident{RequestID: "open", Category: "dispute",
		Severity: 2, Position: Shenyang, Source: dispatch.SourceCall110})
	if !errors.Is(err, errFinderDown) || open.ID == "" {
		t.Fatalf("A: CreateIncident with the finder down = %q, %v; want the incident and %v", open.ID, err, errFinderDown)
	}
	if open.State != dispatch.StateDispatching || open.Slots[0].State != dispatch.SlotOpen || len(open.Offers) != 0 {
		t.Fatalf("A left %s %s with slot %s and %d offers; want dispatching, open, none", open.ID,
			open.State, open.Slots[0].State, len(open.Offers))
	}
	return pending, open
}

// resumeService returns a service over st with OneSlotPolicy.
func resumeService(t *testing.T, st dispatch.Store, f dispatch.Finder, clock *presencetest.Clock, sink dispatch.EventSink) *dispatch.Service {
	t.Helper()
	svc, err := dispatch.NewService(st, f, &Statuses{}, dispatch.Config{Policy: OneSlotPolicy(),
		CallerKey: CallerKey, Now: clock.Now, Sink: sink}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// offerStates lists the incident's offers as "responder:state".
func offerStates(inc dispatch.Incident) []string {
	out := make([]string, len(inc.Offers))
	for i, o := range inc.Offers {
		out[i] = o.ResponderID + ":" + o.State.String()
	}
	return out
}
