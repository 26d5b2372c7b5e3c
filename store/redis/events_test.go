package redis_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// probeID is the incident of the events that check a bus is running;
// busSink notes them apart.
const probeID = "probe"

// busGot is one event a sink received, with its incident.
type busGot struct {
	inc dispatch.Incident
	ev  dispatch.Event
}

// busSink records what a bus's Run hands it.
type busSink struct {
	mu     sync.Mutex
	got    []busGot
	probed bool
}

func (s *busSink) Publish(_ context.Context, inc *dispatch.Incident, ev dispatch.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if inc.ID == probeID {
		s.probed = true
		return
	}
	s.got = append(s.got, busGot{inc: *inc, ev: ev})
}

// snapshot returns what the sink received so far and whether it saw a probe.
func (s *busSink) snapshot() ([]busGot, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]busGot(nil), s.got...), s.probed
}

// waitFor waits until the sink holds n events and returns them.
func (s *busSink) waitFor(t *testing.T, n int) []busGot {
	t.Helper()
	return s.waitUntil(t, func(got []busGot) bool { return len(got) >= n })
}

// waitUntil waits up to 10 s for done to accept what the sink received.
func (s *busSink) waitUntil(t *testing.T, done func([]busGot) bool) []busGot {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, _ := s.snapshot()
		if done(got) {
			return got
		}
		if time.Now().After(deadline) {
			var seqs []int
			for _, g := range got {
				seqs = append(seqs, g.ev.Seq)
			}
			t.Fatalf("after 10 s the sink holds %d events: seqs %v", len(got), seqs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// logBuffer is a log a bus may write from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newBus returns a bus on c under prefix and the log it writes.
func newBus(c goredis.UniversalClient, prefix string, cfg redis.EventsConfig) (*redis.Events, *logBuffer) {
	var log logBuffer
	return redis.NewEvents(redis.Options{Client: c, Prefix: prefix}, cfg, slog.New(slog.NewTextHandler(&log, nil))), &log
}

// runBus runs bus into a new sink until the test ends, and checks that Run
// then returns the context's error.
func runBus(t *testing.T, bus *redis.Events) *busSink {
	t.Helper()
	sink := &busSink{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bus.Run(ctx, sink) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run after cancel: %v, want context.Canceled", err)
		}
	})
	return sink
}

// ready publishes probes on pub until every sink has seen one, so that
// their Runs are past their start.
func ready(t *testing.T, pub *redis.Events, sinks ...*busSink) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pub.Publish(context.Background(), &dispatch.Incident{ID: probeID}, dispatch.Event{Seq: 1, Slot: -1})
		all := true
		for _, s := range sinks {
			_, probed := s.snapshot()
			all = all && probed
		}
		if all {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the buses never received a probe")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// busIncident returns an incident with something in every field, its times
// in the local zone as the engine reads them back.
func busIncident(t *testing.T) (dispatch.Incident, []dispatch.Event) {
	t.Helper()
	base := time.Unix(0, dispBase.UnixNano())
	at := func(s int) time.Time { return base.Add(time.Duration(s) * time.Second) }
	pos := geo.LatLng{Lat: 41.796177, Lng: 123.458691}
	cell, err := h3.LatLngToCell(h3.LatLng{Lat: pos.Lat, Lng: pos.Lng}, dispatch.CellResolution)
	if err != nil {
		t.Fatal(err)
	}
	events := []dispatch.Event{
		{Type: dispatch.EventCreated, Actor: dispatch.ActorSystem, Slot: -1},
		{Type: dispatch.EventTransition, Actor: dispatch.ActorSystem, Slot: -1, From: dispatch.StateNew, To: dispatch.StateDispatching},
		{Type: dispatch.EventOffered, Actor: dispatch.ActorSystem, ResponderID: "v1", OfferID: "o1"},
		{Type: dispatch.EventDeclined, Actor: "v1", ResponderID: "v1", OfferID: "o1"},
		{Type: dispatch.EventLapsed, Actor: dispatch.ActorSystem, ResponderID: "p1", Slot: 1, OfferID: "o3"},
		{Type: dispatch.EventAccepted, Actor: "v2", ResponderID: "v2", OfferID: "o2"},
		{Type: dispatch.EventRevoked, Actor: dispatch.ActorSystem, ResponderID: "v3", OfferID: "o4"},
		{Type: dispatch.EventAssigned, Actor: "d1", ResponderID: "p9", Slot: 1, Note: "by hand"},
		{Type: dispatch.EventWithdrawn, Actor: "p9", ResponderID: "p9", Slot: 1},
		{Type: dispatch.EventWidened, Actor: dispatch.ActorSystem, Slot: 1, Note: "circle 2 → 3"},
		{Type: dispatch.EventExhausted, Actor: dispatch.ActorSystem, Slot: 1},
		{Type: dispatch.EventArrived, Actor: "v2", ResponderID: "v2"},
		{Type: dispatch.EventReleased, Actor: "d1", ResponderID: "p8", Slot: 1, Note: "\"done\"\n"},
		{Type: dispatch.EventTransition, Actor: "d1", Slot: -1, From: dispatch.StateAssigned, To: dispatch.StateOnScene},
	}
	for i := range events {
		events[i].Seq, events[i].At = i+1, at(i)
	}
	inc := dispatch.Incident{ID: "i1", RequestID: "req-1", Category: "dispute", Severity: 4, Position: pos,
		Cell: cell, Address: "沈河区 中街 1号", Description: "two men \"arguing\"\nloudly", Source: dispatch.SourceCall110,
		CallerHash: "ab01", State: dispatch.StateOnScene, CreatedAt: base, Timeline: events,
		Slots: []dispatch.Slot{
			{Index: 0, Circle: 0, Kinds: []grid.ResponderKind{grid.WatchVolunteer, grid.SafetyVolunteer},
				State: dispatch.SlotFilled, Assignee: "v2"},
			{Index: 1, Circle: 2, Kinds: []grid.ResponderKind{grid.PatrolOfficer}, State: dispatch.SlotExhausted},
		},
		Offers: []dispatch.Offer{
			{ID: "o1", IncidentID: "i1", ResponderID: "v1", OfferedAt: at(2), ExpiresAt: at(22), State: dispatch.OfferDeclined, ClosedAt: at(3)},
			{ID: "o2", IncidentID: "i1", ResponderID: "v2", OfferedAt: at(3), ExpiresAt: at(23), State: dispatch.OfferAccepted, ClosedAt: at(5)},
			{ID: "o3", IncidentID: "i1", SlotIndex: 1, Circle: 1, ResponderID: "p1", OfferedAt: at(2), ExpiresAt: at(4),
				State: dispatch.OfferLapsed, ClosedAt: at(4)},
			{ID: "o4", IncidentID: "i1", ResponderID: "v3", OfferedAt: at(3), ExpiresAt: at(23), State: dispatch.OfferRevoked, ClosedAt: at(5)},
		},
		Assignments: []dispatch.Assignment{
			{ResponderID: "v2", IncidentID: "i1", OfferID: "o2", AcceptedAt: at(5), ArrivedAt: at(35),
				TimeToScene: 35 * time.Second, TargetMet: true},
			{ResponderID: "p9", IncidentID: "i1", SlotIndex: 1, Circle: 2, Manual: true, AcceptedAt: at(7),
				ReleasedAt: at(8), Withdrawn: true},
			{ResponderID: "p8", IncidentID: "i1", SlotIndex: 1, Circle: 2, Manual: true, AcceptedAt: at(9),
				ArrivedAt: at(600), TimeToScene: 10 * time.Minute, ReleasedAt: at(700)},
		},
	}
	return inc, events
}

// TestEventsFanOut: events published on either of two buses on one Redis
// reach the local sinks of both, in order, each with its incident intact;
// a change's events published together arrive as separate events.
func TestEventsFanOut(t *testing.T) {
	ctx := context.Background()
	c, prefix := redistest.New(t), redistest.Prefix(t)
	a, _ := newBus(c, prefix, redis.EventsConfig{})
	b, _ := newBus(c, prefix, redis.EventsConfig{})
	sa, sb := runBus(t, a), runBus(t, b)
	ready(t, a, sa, sb)
	inc, events := busIncident(t)
	var want []busGot
	for i, ev := range events {
		pub := []*redis.Events{a, b}[i%2]
		pub.Publish(ctx, &inc, ev)
		want = append(want, busGot{inc: inc, ev: ev})
	}
	next := inc
	next.State, next.Timeline = dispatch.StateDispatching, events[:3]
	b.PublishChange(ctx, &next, events[:3])
	for _, ev := range events[:3] {
		want = append(want, busGot{inc: next, ev: ev})
	}
	for name, s := range map[string]*busSink{"a": sa, "b": sb} {
		got := s.waitFor(t, len(want))
		for i := range max(len(got), len(want)) {
			if i >= len(got) || i >= len(want) || !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("sink %s event %d:\ngot  %+v\nwant %+v", name, i, at(got, i), at(want, i))
			}
		}
	}
}

func at(g []busGot, i int) any {
	if i < len(g) {
		return g[i]
	}
	return "nothing"
}

// TestEventsCluster: on a Redis Cluster the stream is a stream in the
// {dispatch} slot, and a bus reads what another published.
func TestEventsCluster(t *testing.T) {
	ctx := context.Background()
	c, prefix := redistest.NewCluster(t), redistest.Prefix(t)
	a, _ := newBus(c, prefix, redis.EventsConfig{})
	b, _ := newBus(c, prefix, redis.EventsConfig{})
	sb := runBus(t, b)
	ready(t, a, sb)
	inc, events := busIncident(t)
	a.PublishChange(ctx, &inc, events[2:4])
	if got := sb.waitFor(t, 2); got[0].ev.Type != dispatch.EventOffered || got[1].ev.Type != dispatch.EventDeclined {
		t.Errorf("got %v, %v; want offered, declined", got[0].ev.Type, got[1].ev.Type)
	}
	key := prefix + "gw:{dispatch}:events"
	if typ := c.Type(ctx, key).Val(); typ != "stream" {
		t.Errorf("%s is a %q, want a stream", key, typ)
	}
	if got, want := c.ClusterKeySlot(ctx, key).Val(), c.ClusterKeySlot(ctx, prefix+"gw:{dispatch}:held").Val(); got != want {
		t.Errorf("the stream is in slot %d, the dispatch keys in %d", got, want)
	}
}
