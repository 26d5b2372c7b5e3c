package redis

import (
	"context"
	"errors"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/presence"
)

// TestCutShortEnds ends shifts in the states a crash or a race can leave,
// and checks that the shift then reads as ended and a new one works: the
// responder is found once, where the new shift put it.
func TestCutShortEnds(t *testing.T) {
	ctx := context.Background()
	sy, dl := geo.LatLng{Lat: 41.7962, Lng: 123.451}, geo.LatLng{Lat: 38.914, Lng: 121.6147}
	tests := []struct {
		name string
		end  func(t *testing.T, st *Presence, from, to string, moving scriptReply)
	}{
		{"end of a copy not yet settled", func(t *testing.T, st *Presence, from, to string, moving scriptReply) {
			mustRun(t, presPut.Run(ctx, st.c, st.k.presShard(to), "R", moving.str(3)).Err())
			st.homes.Store("R", to) // an engine that knows where the copy went
			if _, err := st.EndShift(ctx, "R"); err != nil {
				t.Fatalf("EndShift: %v", err)
			}
		}},
		{"end without closing the directory", func(t *testing.T, st *Presence, from, to string, moving scriptReply) {
			mustRun(t, st.completeMove(ctx, "R", from, to, moving.str(3)))
			res, err := replyOf(presEnd.Run(ctx, st.c, st.k.presShard(to), "R", "4"))
			if err != nil || res.code != "ok" {
				t.Fatalf("end script = %+v, %v", res, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkCutShort(t, sy, dl, tt.end) })
	}
}

// checkCutShort moves R from sy towards dl, stops after step 1, lets end
// end the shift somehow, then checks that it is over and a new one works.
func checkCutShort(t *testing.T, sy, dl geo.LatLng, end func(*testing.T, *Presence, string, string, scriptReply)) {
	ctx := context.Background()
	c, prefix := redistest.New(t), redistest.Prefix(t)
	st := NewPresence(Options{Client: c, Prefix: prefix})
	startR(t, st)
	first := testMove(t, "R", sy, 1)
	if _, err := st.Move(ctx, first); err != nil {
		t.Fatal(err)
	}
	m := testMove(t, "R", dl, 2)
	from, to := cellHex(grid.ShardCell(first.Cell)), cellHex(grid.ShardCell(m.Cell))
	moving, err := st.runMove(ctx, from, to, m)
	if err != nil || moving.code != "transit" {
		t.Fatalf("runMove = %+v, %v", moving, err)
	}
	end(t, st, from, to, moving)
	fresh := NewPresence(Options{Client: c, Prefix: prefix})
	if _, err := fresh.Get(ctx, "R"); !errors.Is(err, presence.ErrNotOnShift) {
		t.Errorf("Get after the end: %v, want ErrNotOnShift", err)
	}
	startR(t, fresh)
	if r, err := fresh.Get(ctx, "R"); err != nil || r.HasFix {
		t.Errorf("Get of the new shift = %+v, %v; want one without a fix", r, err)
	}
	for i, p := range []geo.LatLng{sy, dl} {
		if _, err := fresh.Move(ctx, testMove(t, "R", p, int64(10+i))); err != nil {
			t.Fatalf("Move in the new shift: %v", err)
		}
		checkFoundOnce(t, fresh, p, []geo.LatLng{sy, dl})
	}
}

func startR(t *testing.T, st *Presence) {
	t.Helper()
	_, err := st.StartShift(context.Background(), presence.Record{ID: "R", Kind: grid.PatrolOfficer,
		Mode: grid.Car, Status: presence.Available})
	if err != nil {
		t.Fatal(err)
	}
}

// checkFoundOnce checks that Nearby finds R at want and nowhere else.
func checkFoundOnce(t *testing.T, st *Presence, want geo.LatLng, all []geo.LatLng) {
	t.Helper()
	for _, p := range all {
		got, err := st.Nearby(context.Background(), presence.NearbyQuery{Center: p, Radius: [4]float64{0, 0, 0, 10}}, nil)
		n := 1
		if p != want {
			n = 0
		}
		if err != nil || len(got) != n {
			t.Errorf("Nearby at %v = %+v, %v; want %d", p, got, err, n)
		}
	}
}

// TestStaleMissAfterReturn: an operation that saw the record missing from
// a shard (its tombstone), while the record then moved back there, must
// not take the shift off the directory: it looks again and finds it.
func TestStaleMissAfterReturn(t *testing.T) {
	ctx := context.Background()
	sy, dl := geo.LatLng{Lat: 41.7962, Lng: 123.451}, geo.LatLng{Lat: 38.914, Lng: 121.6147}
	st := NewPresence(Options{Client: redistest.New(t), Prefix: redistest.Prefix(t)})
	startR(t, st)
	there := testMove(t, "R", sy, 1)
	home := cellHex(grid.ShardCell(there.Cell))
	for i, p := range []geo.LatLng{sy, dl} {
		if _, err := st.Move(ctx, testMove(t, "R", p, int64(1+i))); err != nil {
			t.Fatal(err)
		}
	}
	rec, err := st.c.HGet(ctx, st.k.presRecs(home), "R").Result()
	floor, gone := tombVersion(rec)
	if err != nil || !gone {
		t.Fatalf("record at the first shard after leaving it: %q, %v; want its tombstone", rec, err)
	}
	if _, err := st.Move(ctx, testMove(t, "R", sy, 3)); err != nil { // back
		t.Fatal(err)
	}
	at, err := st.followMiss(ctx, "R", home, floor) // what an operation that saw the tombstone does
	if err != nil || at != home {
		t.Fatalf("followMiss after the return = %q, %v; want %q", at, err, home)
	}
	if r, err := st.Get(ctx, "R"); err != nil || !r.HasFix {
		t.Errorf("Get after the stale miss = %+v, %v; want the responder on shift, at sy", r, err)
	}
}
