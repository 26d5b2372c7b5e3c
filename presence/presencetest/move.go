package presencetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

func testMoveSetsFields(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	r := record("r1", grid.CommunityOfficer, grid.Bike)
	start(t, s, r)
	m := moveAt(t, "r1", offset(Shenyang, 123.456, -78.9), base.Add(90*time.Second))
	m.AccuracyM, m.Inside = 12.5, true
	mustMove(t, s, m)

	want := r
	want.HasFix, want.Position, want.Cell, want.AccuracyM = true, m.Position, m.Cell, m.AccuracyM
	want.FixTime, want.SeenAt, want.Inside = m.FixTime, m.SeenAt, true
	if got := get(t, s, "r1"); !sameRecord(got, want) {
		t.Errorf("after Move:\n got %+v\nwant %+v", got, want)
	}
}

func testOlderIgnored(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	start(t, s, record("r1", grid.WatchVolunteer, grid.Walk))
	mustMove(t, s, moveAt(t, "r1", Shenyang, base.Add(time.Minute)))
	want := get(t, s, "r1")

	far := offset(Shenyang, 3000, 0)
	older := moveAt(t, "r1", far, base.Add(2*time.Minute)) // seen later, fixed earlier
	older.FixTime = want.FixTime.Add(-time.Nanosecond)
	older.Inside = true
	applied, err := s.Move(context.Background(), older)
	if err != nil || applied {
		t.Fatalf("Move of an older fix = %v, %v; want false, nil", applied, err)
	}
	if got := get(t, s, "r1"); !sameRecord(got, want) {
		t.Errorf("the older fix changed the record:\n got %+v\nwant %+v", got, want)
	}
	if got := nearbyIDs(t, s, presence.NearbyQuery{Center: far, Radius: allRadius(500)}); len(got) != 0 {
		t.Errorf("Nearby at the older fix's position = %v, want none", got)
	}
	if got := nearbyIDs(t, s, presence.NearbyQuery{Center: Shenyang, Radius: allRadius(500)}); !slices.Equal(got, []string{"r1"}) {
		t.Errorf("Nearby at the kept position = %v, want [r1]", got)
	}
}

func testEqualFixTime(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	start(t, s, record("r1", grid.WatchVolunteer, grid.Walk))
	first := moveAt(t, "r1", Shenyang, base.Add(time.Minute))
	mustMove(t, s, first)
	again := moveAt(t, "r1", offset(Shenyang, 20, 0), base.Add(time.Minute+time.Second))
	again.FixTime = first.FixTime
	mustMove(t, s, again)
	if got := get(t, s, "r1"); got.Position != again.Position || !got.SeenAt.Equal(again.SeenAt) {
		t.Errorf("after a move with an equal fix time: %+v, want position %v", got, again.Position)
	}
}

func testMoveBetweenCells(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	start(t, s, record("r1", grid.PatrolOfficer, grid.Car))
	start(t, s, record("r2", grid.PatrolOfficer, grid.Car))
	a, b := Shenyang, offset(Shenyang, 2500, 2500)
	if cellOf(t, a) == cellOf(t, b) {
		t.Fatal("fixture: a and b share a cell")
	}
	mustMove(t, s, moveAt(t, "r1", a, base.Add(time.Minute)))
	mustMove(t, s, moveAt(t, "r2", a, base.Add(time.Minute)))
	mustMove(t, s, moveAt(t, "r1", b, base.Add(2*time.Minute)))
	for _, c := range []struct {
		name string
		at   geo.LatLng
		want []string
	}{{"a", a, []string{"r2"}}, {"b", b, []string{"r1"}}} {
		got := nearbyIDs(t, s, presence.NearbyQuery{Center: c.at, Radius: allRadius(300)})
		if !slices.Equal(got, c.want) {
			t.Errorf("Nearby at %s = %v, want %v", c.name, got, c.want)
		}
	}
	if got := get(t, s, "r1").Cell; got != cellOf(t, b) {
		t.Errorf("cell after the move = %v, want %v", got, cellOf(t, b))
	}
}

func testMoveKeepsStatus(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	ctx := context.Background()
	start(t, s, record("r1", grid.WatchVolunteer, grid.Walk))
	if err := s.SetStatus(ctx, "r1", presence.Busy); err != nil {
		t.Fatal(err)
	}
	p := offset(Shenyang, 1000, 0)
	mustMove(t, s, moveAt(t, "r1", p, base.Add(time.Minute)))
	if got := get(t, s, "r1").Status; got != presence.Busy {
		t.Errorf("status after a move = %s, want busy", got)
	}
	q := presence.NearbyQuery{Center: p, Radius: allRadius(100)}
	if got := nearbyIDs(t, s, q); len(got) != 0 {
		t.Errorf("Nearby finds a busy responder: %v", got)
	}
	if err := s.SetStatus(ctx, "r1", presence.Available); err != nil {
		t.Fatal(err)
	}
	if got := nearbyIDs(t, s, q); !slices.Equal(got, []string{"r1"}) {
		t.Errorf("Nearby after SetStatus(available) = %v, want [r1]", got)
	}
}
