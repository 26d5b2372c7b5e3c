package presencetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

// sortedIDs returns the candidates' ids, sorted.
func sortedIDs(cs []presence.Candidate) []string {
	ids := make([]string, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	return ids
}

func testNearbyFilters(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	ctx := context.Background()
	seen := base.Add(2 * time.Minute)
	for _, r := range []struct {
		id    string
		kind  grid.ResponderKind
		mode  grid.TravelMode
		north float64
		seen  time.Time
	}{
		{"avail", grid.WatchVolunteer, grid.Walk, 50, seen},
		{"busy", grid.WatchVolunteer, grid.Walk, 0, seen},
		{"stale", grid.WatchVolunteer, grid.Walk, 0, base},
		{"guard", grid.SecurityGuard, grid.Walk, 100, seen},
		{"patrol", grid.PatrolOfficer, grid.Car, 1000, seen},
		{"ended", grid.PatrolOfficer, grid.Car, 10, seen},
	} {
		start(t, s, record(r.id, r.kind, r.mode))
		mustMove(t, s, moveAt(t, r.id, offset(Shenyang, r.north, 0), r.seen))
	}
	start(t, s, record("nofix", grid.WatchVolunteer, grid.Walk))
	if err := s.SetStatus(ctx, "busy", presence.Busy); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EndShift(ctx, "ended"); err != nil {
		t.Fatal(err)
	}
	fresh := base.Add(time.Minute)
	for _, c := range []struct {
		name  string
		kinds []grid.ResponderKind
		fresh time.Time
		rad   [4]float64
		want  []string
	}{
		{"all kinds", nil, fresh, allRadius(1500), []string{"avail", "guard", "patrol"}},
		{"one kind", []grid.ResponderKind{grid.WatchVolunteer}, fresh, allRadius(1500), []string{"avail"}},
		{"two kinds", []grid.ResponderKind{grid.SecurityGuard, grid.PatrolOfficer}, fresh, allRadius(1500), []string{"guard", "patrol"}},
		{"kind absent", []grid.ResponderKind{grid.Reinforcement}, fresh, allRadius(1500), nil},
		{"no freshness", nil, time.Time{}, allRadius(1500), []string{"avail", "guard", "patrol", "stale"}},
		{"cars only", nil, fresh, [4]float64{0, 0, 0, 1500}, []string{"patrol"}},
		{"small radius", nil, fresh, allRadius(75), []string{"avail"}},
	} {
		got := nearbyIDs(t, s, presence.NearbyQuery{Center: Shenyang, Radius: c.rad, Kinds: c.kinds, FreshSince: c.fresh})
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: Nearby = %v, want %v", c.name, got, c.want)
		}
	}
}

func testNearbyFreshness(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	seen := base.Add(time.Minute)
	start(t, s, record("r1", grid.WatchVolunteer, grid.Walk))
	mustMove(t, s, moveAt(t, "r1", Shenyang, seen))
	for _, c := range []struct {
		fresh time.Time
		want  []string
	}{
		{seen.Add(-time.Nanosecond), []string{"r1"}},
		{seen, []string{"r1"}},
		{seen.Add(time.Nanosecond), nil},
		{seen.Add(time.Hour), nil},
	} {
		got := nearbyIDs(t, s, presence.NearbyQuery{Center: Shenyang, Radius: allRadius(100), FreshSince: c.fresh})
		if !slices.Equal(got, c.want) {
			t.Errorf("FreshSince seen%+v: Nearby = %v, want %v", c.fresh.Sub(seen), got, c.want)
		}
	}
}

func testNearbyRadiusPerMode(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	seen := base.Add(time.Minute)
	for _, r := range []struct {
		id          string
		mode        grid.TravelMode
		north, east float64
	}{{"walker", grid.Walk, 300, 0}, {"biker", grid.Bike, 0, 800}, {"driver", grid.Car, -1800, 0}} {
		start(t, s, record(r.id, grid.SafetyVolunteer, r.mode))
		mustMove(t, s, moveAt(t, r.id, offset(Shenyang, r.north, r.east), seen))
	}
	for _, c := range []struct {
		rad  [4]float64
		want []string
	}{
		{[4]float64{0, 350, 0, 0}, []string{"walker"}},
		{[4]float64{0, 250, 5000, 5000}, []string{"biker", "driver"}},
		{[4]float64{0, 0, 850, 0}, []string{"biker"}},
		{[4]float64{0, 0, 750, 1900}, []string{"driver"}},
		{[4]float64{5000, 0, 0, 1700}, nil},
		{[4]float64{}, nil},
		{[4]float64{0, 100_000, 0, 0}, []string{"walker"}},
		{[4]float64{0, 0, 0, 100_000}, []string{"driver"}},
	} {
		got := nearbyIDs(t, s, presence.NearbyQuery{Center: Shenyang, Radius: c.rad})
		if !slices.Equal(got, c.want) {
			t.Errorf("Radius %v: Nearby = %v, want %v", c.rad, got, c.want)
		}
	}
}

func testNearbyBuffer(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	start(t, s, record("r1", grid.WatchVolunteer, grid.Walk))
	mustMove(t, s, moveAt(t, "r1", Shenyang, base))
	buf := make([]presence.Candidate, 1, 16)
	buf[0].ID = "prefix"
	got, err := s.Nearby(context.Background(), presence.NearbyQuery{Center: Shenyang, Radius: allRadius(100)}, buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "prefix" || got[1].ID != "r1" {
		t.Fatalf("Nearby onto a buffer = %+v, want the prefix then r1", got)
	}
	if &got[0] != &buf[0] {
		t.Error("Nearby did not append in place to a buffer with room")
	}
	again, err := s.Nearby(context.Background(), presence.NearbyQuery{Center: Shenyang, Radius: allRadius(100)}, got[:0])
	if err != nil || len(again) != 1 || again[0].ID != "r1" {
		t.Errorf("Nearby onto the reset buffer = %+v, %v; want r1", again, err)
	}
}

func testNearbyFields(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	start(t, s, record("r1", grid.Reinforcement, grid.Car))
	m := moveAt(t, "r1", offset(Shenyang, 321.5, -123.25), base)
	mustMove(t, s, m)
	cs, err := s.Nearby(context.Background(), presence.NearbyQuery{Center: Shenyang, Radius: allRadius(1000)}, nil)
	want := presence.Candidate{ID: "r1", Kind: grid.Reinforcement, Mode: grid.Car, Position: m.Position, Cell: m.Cell}
	if err != nil || len(cs) != 1 || cs[0] != want {
		t.Errorf("Nearby = %+v, %v; want [%+v]", cs, err, want)
	}
}
