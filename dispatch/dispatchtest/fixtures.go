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
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

// Shenyang is where the suite's incidents happen.
var Shenyang = geo.LatLng{Lat: 41.80, Lng: 123.43}

// Base is the suite's start of time (08:00 in Shenyang).
var Base = time.Date(2025, 6, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Finder is a fake dispatch.Finder: fixed circles of responders, filtered
// by the query's kinds. Safe for concurrent use.
type Finder struct {
	mu       sync.Mutex
	circles  [][]presence.Ranked
	searches int
}

// Set replaces the circles: circles[i] lists circle i's responders, best
// first.
func (f *Finder) Set(circles ...[]presence.Ranked) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.circles = circles
}

// FindResponders returns the circles, each filtered by q.Kinds.
func (f *Finder) FindResponders(_ context.Context, q presence.Query) ([]presence.Circle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.searches++
	out := make([]presence.Circle, len(f.circles))
	for i, rs := range f.circles {
		out[i].MaxETASeconds = float64(60 * (2*i + 1))
		for _, r := range rs {
			if len(q.Kinds) == 0 || slices.Contains(q.Kinds, r.Kind) {
				out[i].Responders = append(out[i].Responders, r)
			}
		}
	}
	return out, nil
}

// Searches returns how many times FindResponders was called.
func (f *Finder) Searches() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.searches
}

// Responders returns ranked responders of a kind with the given ids.
func Responders(kind grid.ResponderKind, ids ...string) []presence.Ranked {
	out := make([]presence.Ranked, len(ids))
	for i, id := range ids {
		out[i] = presence.Ranked{Candidate: presence.Candidate{ID: id, Kind: kind, Position: Shenyang}}
	}
	return out
}

// Statuses is a fake dispatch.Statuses recording the last status set.
type Statuses struct {
	mu sync.Mutex
	m  map[string]presence.Status
}

// SetStatus records s.
func (st *Statuses) SetStatus(_ context.Context, id string, s presence.Status) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.m == nil {
		st.m = map[string]presence.Status{}
	}
	st.m[id] = s
	return nil
}

// Get returns the last status set for id.
func (st *Statuses) Get(id string) presence.Status {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.m[id]
}

// Sink is a dispatch.EventSink recording the events it receives.
type Sink struct {
	mu     sync.Mutex
	events []dispatch.Event
}

// Publish records ev.
func (s *Sink) Publish(_ context.Context, _ *dispatch.Incident, ev dispatch.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, ev)
}

// Events returns the events received so far.
func (s *Sink) Events() []dispatch.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

// incident returns a new incident with one open slot per circle given.
func incident(id string, circles ...int) dispatch.Incident {
	inc := dispatch.Incident{ID: id, RequestID: "req-" + id, Category: "dispute", Severity: 2,
		Position: Shenyang, Source: dispatch.SourceCall110, State: dispatch.StateNew, CreatedAt: Base}
	for i, c := range circles {
		inc.Slots = append(inc.Slots, dispatch.Slot{Index: i, Circle: c, State: dispatch.SlotOpen,
			Kinds: []grid.ResponderKind{grid.WatchVolunteer}})
	}
	return inc
}

// active stores an incident with the given slots and moves it to
// dispatching.
func active(t testing.TB, st dispatch.Store, id string, circles ...int) dispatch.Incident {
	t.Helper()
	ctx := context.Background()
	if _, _, err := st.CreateIncident(ctx, incident(id, circles...)); err != nil {
		t.Fatalf("CreateIncident(%s): %v", id, err)
	}
	ch, err := st.Transition(ctx, id, dispatch.StateNew, dispatch.StateDispatching,
		dispatch.Event{At: Base, Actor: dispatch.ActorSystem})
	if err != nil {
		t.Fatalf("Transition(%s, new, dispatching): %v", id, err)
	}
	return ch.Incident
}

// offer returns an offer of slot to responder made at Base, expiring 20 s
// later.
func offer(incID string, slot int, responder string) dispatch.Offer {
	return dispatch.Offer{ID: fmt.Sprintf("%s/%d/%s", incID, slot, responder), IncidentID: incID,
		SlotIndex: slot, ResponderID: responder, OfferedAt: Base, ExpiresAt: Base.Add(20 * time.Second)}
}

// mustOffer makes an offer or fails.
func mustOffer(t testing.TB, st dispatch.Store, o dispatch.Offer, maxPending int) dispatch.Change {
	t.Helper()
	ch, err := st.Offer(context.Background(), o, maxPending)
	if err != nil {
		t.Fatalf("Offer(%s): %v", o.ID, err)
	}
	return ch
}

// eventTypes lists the types of events.
func eventTypes(events []dispatch.Event) []dispatch.EventType {
	out := make([]dispatch.EventType, len(events))
	for i, ev := range events {
		out[i] = ev.Type
	}
	return out
}

// wantErr fails unless err matches want (nil wants no error).
func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: %v, want no error", what, err)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: error %v, want one matching %v", what, err, want)
	}
}
