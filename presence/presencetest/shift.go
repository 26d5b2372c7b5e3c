package presencetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

func testStartShift(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	want := record("r1", grid.CommunityOfficer, grid.Bike)
	got, err := s.StartShift(context.Background(), want)
	if err != nil || !sameRecord(got, want) {
		t.Fatalf("StartShift = %+v, %v; want %+v, nil", got, err, want)
	}
	if got := get(t, s, "r1"); !sameRecord(got, want) {
		t.Errorf("Get = %+v, want %+v", got, want)
	}
}

func testStartShiftIdempotent(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	first := record("r1", grid.WatchVolunteer, grid.Walk)
	start(t, s, first)
	mustMove(t, s, moveAt(t, "r1", Shenyang, base.Add(time.Minute)))
	kept := get(t, s, "r1")

	retry := record("r1", grid.PatrolOfficer, grid.Car)
	retry.ShiftStart = base.Add(time.Hour)
	got, err := s.StartShift(context.Background(), retry)
	if err != nil || !sameRecord(got, kept) {
		t.Fatalf("StartShift again = %+v, %v; want the stored %+v", got, err, kept)
	}
	if got := get(t, s, "r1"); !sameRecord(got, kept) {
		t.Errorf("Get after the retry = %+v, want %+v", got, kept)
	}
}

func testEndShift(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	ctx := context.Background()
	start(t, s, record("r1", grid.WatchVolunteer, grid.Walk))
	mustMove(t, s, moveAt(t, "r1", Shenyang, base.Add(time.Minute)))
	want := get(t, s, "r1")

	got, err := s.EndShift(ctx, "r1")
	if err != nil || !sameRecord(got, want) {
		t.Fatalf("EndShift = %+v, %v; want %+v, nil", got, err, want)
	}
	if _, err := s.Get(ctx, "r1"); !errors.Is(err, presence.ErrNotOnShift) {
		t.Errorf("Get after EndShift: err = %v, want ErrNotOnShift", err)
	}
	if _, err := s.EndShift(ctx, "r1"); !errors.Is(err, presence.ErrNotOnShift) {
		t.Errorf("EndShift twice: err = %v, want ErrNotOnShift", err)
	}
	q := presence.NearbyQuery{Center: Shenyang, Radius: allRadius(1000)}
	if got := nearbyIDs(t, s, q); len(got) != 0 {
		t.Errorf("Nearby after EndShift = %v, want none", got)
	}
	start(t, s, record("r1", grid.WatchVolunteer, grid.Walk))
	if got := get(t, s, "r1"); got.HasFix {
		t.Errorf("a new shift has a fix: %+v", got)
	}
	if got := nearbyIDs(t, s, q); len(got) != 0 {
		t.Errorf("Nearby after a new shift without fix = %v, want none", got)
	}
}

func testNotOnShift(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	ctx := context.Background()
	start(t, s, record("other", grid.WatchVolunteer, grid.Walk))
	calls := []struct {
		name string
		do   func() error
	}{
		{"EndShift", func() error { _, err := s.EndShift(ctx, "ghost"); return err }},
		{"SetStatus", func() error { return s.SetStatus(ctx, "ghost", presence.Busy) }},
		{"Move", func() error { _, err := s.Move(ctx, moveAt(t, "ghost", Shenyang, base)); return err }},
		{"Get", func() error { _, err := s.Get(ctx, "ghost"); return err }},
	}
	for _, c := range calls {
		if err := c.do(); !errors.Is(err, presence.ErrNotOnShift) {
			t.Errorf("%s of a responder off shift: err = %v, want ErrNotOnShift", c.name, err)
		}
	}
}

func testSetStatus(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	start(t, s, record("r1", grid.WatchVolunteer, grid.Walk))
	for _, want := range []presence.Status{presence.Busy, presence.Available, presence.Busy} {
		if err := s.SetStatus(context.Background(), "r1", want); err != nil {
			t.Fatalf("SetStatus(%s): %v", want, err)
		}
		if got := get(t, s, "r1").Status; got != want {
			t.Errorf("status after SetStatus(%s) = %s", want, got)
		}
	}
}
