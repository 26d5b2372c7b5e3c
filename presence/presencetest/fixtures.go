package presencetest

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

// Clock is a fake clock, safe for concurrent use; pass its Now as
// presence.Config.Now.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set stops the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Roster is a fixed roster implementing presence.Roster.
type Roster map[string]grid.Responder

// Responder returns the entry of id, or an error wrapping grid.ErrNotFound.
func (r Roster) Responder(_ context.Context, id string) (grid.Responder, error) {
	if rs, ok := r[id]; ok {
		return rs, nil
	}
	return grid.Responder{}, fmt.Errorf("responder %q: %w", id, grid.ErrNotFound)
}

// Locator implements presence.GridLocator with a function.
type Locator func(p geo.LatLng) (police, community string)

// GridIDs calls l.
func (l Locator) GridIDs(_ context.Context, p geo.LatLng) (police, community string, err error) {
	police, community = l(p)
	return police, community, nil
}

// Shenyang is the centre of the suite's data: Heping District.
var Shenyang = geo.LatLng{Lat: 41.80, Lng: 123.43}

// base is the suite's start of time (08:00 in Shenyang).
var base = time.Date(2025, 6, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))

// offset returns the point about north and east metres from p.
func offset(p geo.LatLng, north, east float64) geo.LatLng {
	const mPerDeg = 6371008.8 * math.Pi / 180
	return geo.LatLng{Lat: p.Lat + north/mPerDeg, Lng: p.Lng + east/(mPerDeg*math.Cos(p.Lat*math.Pi/180))}
}

// cellOf returns p's cell at presence.IndexResolution.
func cellOf(t testing.TB, p geo.LatLng) h3.Cell {
	t.Helper()
	c, err := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, presence.IndexResolution)
	if err != nil {
		t.Fatalf("LatLngToCell(%v): %v", p, err)
	}
	return c
}

// record returns a fresh shift record of an available responder.
func record(id string, kind grid.ResponderKind, mode grid.TravelMode) presence.Record {
	return presence.Record{ID: id, Kind: kind, Mode: mode, HomeGrid: "P1", Status: presence.Available, ShiftStart: base}
}

// moveAt returns the move of id to p with the fix taken and seen at seen.
func moveAt(t testing.TB, id string, p geo.LatLng, seen time.Time) presence.Move {
	return presence.Move{
		Update: presence.Update{ResponderID: id, Position: p, AccuracyM: 8, FixTime: seen.Add(-time.Second)},
		Cell:   cellOf(t, p), SeenAt: seen,
	}
}

// start opens r's shift and fails the test on error.
func start(t testing.TB, s presence.Store, r presence.Record) {
	t.Helper()
	if _, err := s.StartShift(context.Background(), r); err != nil {
		t.Fatalf("StartShift(%s): %v", r.ID, err)
	}
}

// mustMove applies m and fails the test unless it was applied.
func mustMove(t testing.TB, s presence.Store, m presence.Move) {
	t.Helper()
	applied, err := s.Move(context.Background(), m)
	if err != nil || !applied {
		t.Fatalf("Move(%s) = %v, %v; want true, nil", m.ResponderID, applied, err)
	}
}

// get reads id's record and fails the test on error.
func get(t testing.TB, s presence.Store, id string) presence.Record {
	t.Helper()
	r, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return r
}

// sameRecord compares records, times by instant.
func sameRecord(a, b presence.Record) bool {
	ta, tb := a, b
	ta.ShiftStart, ta.FixTime, ta.SeenAt = time.Time{}, time.Time{}, time.Time{}
	tb.ShiftStart, tb.FixTime, tb.SeenAt = time.Time{}, time.Time{}, time.Time{}
	return ta == tb && a.ShiftStart.Equal(b.ShiftStart) && a.FixTime.Equal(b.FixTime) && a.SeenAt.Equal(b.SeenAt)
}

// allRadius searches every mode to r metres.
func allRadius(r float64) [4]float64 {
	return [4]float64{0, r, r, r}
}

// nearbyIDs runs Nearby and returns the ids found, sorted.
func nearbyIDs(t testing.TB, s presence.Store, q presence.NearbyQuery) []string {
	t.Helper()
	cs, err := s.Nearby(context.Background(), q, nil)
	if err != nil {
		t.Fatalf("Nearby: %v", err)
	}
	return sortedIDs(cs)
}
