package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/memory"
)

// TestPresenceKeepsDays checks that the time in own grid is kept for the
// newest 31 days.
func TestPresenceKeepsDays(t *testing.T) {
	st, ctx := memory.NewPresence(), context.Background()
	start := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	if _, err := st.StartShift(ctx, presence.Record{ID: "co", Kind: grid.CommunityOfficer, Mode: grid.Bike, Status: presence.Available}); err != nil {
		t.Fatal(err)
	}
	at := start
	move := func(day string) {
		t.Helper()
		at = at.Add(10 * time.Second)
		m := presence.Move{Update: presence.Update{ResponderID: "co", Position: geo.LatLng{Lat: 41.8, Lng: 123.4}, FixTime: at},
			SeenAt: at, Inside: true, TrackOwnGrid: true, AccrueCap: time.Minute, Day: day}
		if _, err := st.Move(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	move("2025-06-01")
	move("2025-06-01")
	move("2025-07-01") // June 1 is the 31st day back: kept
	move("2025-05-30") // before the window: not counted
	for _, c := range []struct {
		day  string
		want float64
	}{{"2025-06-01", 10}, {"2025-07-01", 10}, {"2025-05-30", 0}} {
		if got, _ := st.OwnGridDay(ctx, "co", c.day); got.InsideS != c.want {
			t.Errorf("%s: %v s inside, want %v", c.day, got.InsideS, c.want)
		}
	}
	move("2025-07-02") // June 1 falls out
	if got, _ := st.OwnGridDay(ctx, "co", "2025-06-01"); got.OnShiftS != 0 {
		t.Errorf("2025-06-01 still kept after 2025-07-02: %+v", got)
	}
}
