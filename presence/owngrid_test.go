package presence_test

import (
	"context"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/presence"
)

func TestOwnGridDay(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	ctx := context.Background()
	f.start(t, "co1", "co2", "v1")
	inside, outside := north(100), north(-100)
	for _, step := range []struct {
		advance time.Duration
		at      geo.LatLng
	}{
		{0, inside},
		{20 * time.Second, inside},  // +20 inside
		{10 * time.Second, outside}, // +10 inside
		{30 * time.Second, inside},  // +30 outside
		{5 * time.Minute, inside},   // +60 inside (capped at StaleAfter)
		{40 * time.Second, outside}, // +40 inside
	} {
		f.clock.Advance(step.advance)
		for _, id := range []string{"co1", "co2", "v1"} {
			f.report(t, id, step.at)
		}
	}
	for _, c := range []struct {
		id, day         string
		onShift, inSide float64
	}{
		{"co1", "", 160, 130},
		{"co1", "2025-06-01", 160, 130},
		{"co1", "2025-05-31", 0, 0},
		{"co2", "", 160, 0}, // no home grid: never inside
		{"v1", "", 0, 0},    // not a community officer
	} {
		got, err := f.svc.OwnGridDay(ctx, c.id, c.day)
		if err != nil {
			t.Fatalf("OwnGridDay(%s, %q): %v", c.id, c.day, err)
		}
		if got.OnShiftS != c.onShift || got.InsideS != c.inSide || got.ResponderID != c.id {
			t.Errorf("OwnGridDay(%s, %q) = %+v, want %v s on shift, %v s inside", c.id, c.day, got, c.onShift, c.inSide)
		}
	}
	if got, _ := f.svc.OwnGridDay(ctx, "co1", ""); got.Day != "2025-06-01" || got.Share() != 130.0/160 {
		t.Errorf("today = %+v, share %v", got, got.Share())
	}
}

func TestOwnGridDayBoundary(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	f.clock.Set(time.Date(2025, 6, 1, 23, 59, 50, 0, cst))
	f.start(t, "co1")
	f.report(t, "co1", north(100))
	f.clock.Advance(20 * time.Second) // 00:00:10 the next day in Shenyang, still June 1 in UTC
	f.report(t, "co1", north(100))
	for day, want := range map[string]float64{"2025-06-01": 0, "2025-06-02": 20} {
		got, err := f.svc.OwnGridDay(context.Background(), "co1", day)
		if err != nil || got.InsideS != want {
			t.Errorf("OwnGridDay(%s) = %+v, %v; want %v s inside", day, got, err, want)
		}
	}
}

func TestOwnGridDayRejects(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	for _, day := range []string{"2025-13-01", "yesterday", "2025-6-1"} {
		_, err := f.svc.OwnGridDay(context.Background(), "co1", day)
		if field := fieldOf(t, err); field != "day" {
			t.Errorf("OwnGridDay(%q) names %q, want day", day, field)
		}
	}
}
