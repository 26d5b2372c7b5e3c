package presencetest

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

const (
	day1 = "2025-06-01"
	day2 = "2025-06-02"
	// accrueCap is the AccrueCap of the suite's tracked moves.
	accrueCap = time.Minute
)

// trackedMove is a move accruing time in own grid on day.
func trackedMove(t testing.TB, id string, seen time.Time, inside bool, day string) presence.Move {
	m := moveAt(t, id, offset(Shenyang, 0, float64(seen.Sub(base)/time.Second)), seen)
	m.Inside, m.TrackOwnGrid, m.AccrueCap, m.Day = inside, true, accrueCap, day
	return m
}

// checkDay fails the test unless id's counters on day are onShift and
// inside seconds.
func checkDay(t *testing.T, s presence.Store, id, day string, onShift, inside float64) {
	t.Helper()
	got, err := s.OwnGridDay(context.Background(), id, day)
	if err != nil {
		t.Fatalf("OwnGridDay(%s, %s): %v", id, day, err)
	}
	if math.Abs(got.OnShiftS-onShift) > 1e-6 || math.Abs(got.InsideS-inside) > 1e-6 {
		t.Errorf("OwnGridDay(%s, %s) = %v s on shift, %v s inside; want %v, %v",
			id, day, got.OnShiftS, got.InsideS, onShift, inside)
	}
	if got.ResponderID != id || got.Day != day {
		t.Errorf("OwnGridDay(%s, %s) names %q, %q", id, day, got.ResponderID, got.Day)
	}
}

func testOwnGridAccrual(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	start(t, s, record("co", grid.CommunityOfficer, grid.Bike))
	for i, step := range []struct {
		at              time.Duration
		inside, older   bool
		onShift, inSide float64
	}{
		{at: 0, inside: true},                                         // the first update accrues nothing
		{at: 10 * time.Second, onShift: 10, inSide: 10},               // was inside
		{at: 20 * time.Second, inside: true, onShift: 20, inSide: 10}, // was outside
		{at: 220 * time.Second, onShift: 80, inSide: 70},              // 200 s capped at 60
		{at: 230 * time.Second, older: true, onShift: 80, inSide: 70},
		{at: 240 * time.Second, inside: true, onShift: 100, inSide: 70},
	} {
		m := trackedMove(t, "co", base.Add(step.at), step.inside, day1)
		if step.older {
			m.FixTime = base.Add(-time.Hour)
		}
		applied, err := s.Move(context.Background(), m)
		if err != nil || applied == step.older {
			t.Fatalf("step %d: Move = %v, %v; want %v", i, applied, err, !step.older)
		}
		checkDay(t, s, "co", day1, step.onShift, step.inSide)
	}
}

func testOwnGridUntracked(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	start(t, s, record("v", grid.WatchVolunteer, grid.Walk))
	for i := range 3 {
		m := moveAt(t, "v", Shenyang, base.Add(time.Duration(i)*10*time.Second))
		m.Inside, m.Day = true, day1
		mustMove(t, s, m)
	}
	checkDay(t, s, "v", day1, 0, 0)
	checkDay(t, s, "nobody", day1, 0, 0)
}

func testOwnGridAcrossShifts(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	start(t, s, record("co", grid.CommunityOfficer, grid.Bike))
	mustMove(t, s, trackedMove(t, "co", base, true, day1))
	mustMove(t, s, trackedMove(t, "co", base.Add(30*time.Second), true, day1))
	if _, err := s.EndShift(context.Background(), "co"); err != nil {
		t.Fatal(err)
	}
	checkDay(t, s, "co", day1, 30, 30)
	start(t, s, record("co", grid.CommunityOfficer, grid.Bike))
	mustMove(t, s, trackedMove(t, "co", base.Add(100*time.Second), false, day1))
	checkDay(t, s, "co", day1, 30, 30)
	mustMove(t, s, trackedMove(t, "co", base.Add(110*time.Second), false, day1))
	checkDay(t, s, "co", day1, 40, 30)
}

func testOwnGridDays(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	for _, id := range []string{"a", "b"} {
		start(t, s, record(id, grid.CommunityOfficer, grid.Bike))
	}
	mustMove(t, s, trackedMove(t, "a", base, true, day1))
	mustMove(t, s, trackedMove(t, "a", base.Add(10*time.Second), true, day1))
	mustMove(t, s, trackedMove(t, "b", base.Add(15*time.Second), false, day1))
	mustMove(t, s, trackedMove(t, "a", base.Add(20*time.Second), false, day2))
	mustMove(t, s, trackedMove(t, "b", base.Add(50*time.Second), false, day2))
	checkDay(t, s, "a", day1, 10, 10)
	checkDay(t, s, "a", day2, 10, 10)
	checkDay(t, s, "b", day1, 0, 0)
	checkDay(t, s, "b", day2, 35, 0)
}
