package redis

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

func TestRecordRoundTrip(t *testing.T) {
	at := time.Date(2025, 3, 1, 8, 0, 0, 7, time.UTC)
	tests := []presence.Record{
		{ID: "R1", Status: presence.Available, Kind: grid.WatchVolunteer, Mode: grid.Walk, ShiftStart: at},
		{ID: "R2", Status: presence.Busy, Kind: grid.CommunityOfficer, Mode: grid.Bike, HomeGrid: "grid with spaces ",
			ShiftStart: at, HasFix: true, Position: geo.LatLng{Lat: 41.796200000000006, Lng: -0.1 - 0.2},
			Cell: h3.Cell(0x881f05a3b5fffff), AccuracyM: 1e-300, FixTime: time.Unix(-1, 999_999_999),
			SeenAt: time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC), Inside: true},
		{ID: "R3"}, // every enum unspecified, every time zero
	}
	for _, want := range tests {
		s, err := encodeRecord(want)
		if err != nil {
			t.Fatalf("encodeRecord(%+v): %v", want, err)
		}
		got, err := decodeRecord(want.ID, s)
		if err != nil || !sameRecord(got, want) {
			t.Errorf("decodeRecord(encodeRecord(%+v)) = %+v, %v\nstored %q", want, got, err, s)
		}
	}
}

func sameRecord(a, b presence.Record) bool {
	eq := a.ShiftStart.Equal(b.ShiftStart) && a.FixTime.Equal(b.FixTime) && a.SeenAt.Equal(b.SeenAt)
	a.ShiftStart, a.FixTime, a.SeenAt = time.Time{}, time.Time{}, time.Time{}
	b.ShiftStart, b.FixTime, b.SeenAt = time.Time{}, time.Time{}, time.Time{}
	return eq && a == b
}

func TestDecodeRecordRejects(t *testing.T) {
	for _, s := range []string{"", "2 available", "1 available walk", "1 bad - 0.000000000 - " +
		"0.000000000 0.000000000 1 - 0 0 0 0 0 0 "} {
		if _, err := decodeRecord("R", s); err == nil {
			t.Errorf("decodeRecord(%q) succeeded", s)
		}
	}
}

// TestCoverShards checks the cover against its promise: every point within
// the radius has its IndexResolution cell in a shard of the cover, from
// Shenyang to the cells around pentagons.
func TestCoverShards(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	centers := []geo.LatLng{{Lat: 41.7962, Lng: 123.451}}
	pents, err := h3.Pentagons(grid.ShardResolution)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pents {
		ll, _ := p.LatLng()
		centers = append(centers, geo.LatLng{Lat: ll.Lat, Lng: ll.Lng})
	}
	for range 40 {
		centers = append(centers, geo.LatLng{Lat: math.Asin(2*rng.Float64()-1) * 180 / math.Pi,
			Lng: rng.Float64()*360 - 180})
	}
	var cc coverCache
	for _, radius := range []float64{50, 322, 1924, 7000, 23_000, 120_000} {
		for _, c := range centers {
			shards, err := cc.shards(c, radius)
			if err != nil {
				t.Fatal(err)
			}
			for range 300 {
				p := offset(c, radius*math.Sqrt(rng.Float64()), rng.Float64()*2*math.Pi)
				cell, err := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, presence.IndexResolution)
				if err != nil {
					t.Fatal(err)
				}
				if s := cellHex(grid.ShardCell(cell)); !slices.Contains(shards, s) {
					t.Fatalf("cover(%v, %v m) = %v misses shard %s of %v", c, radius, shards, s, p)
				}
			}
		}
	}
}

// offset returns the point d metres from p at bearing b radians.
func offset(p geo.LatLng, d, b float64) geo.LatLng {
	const earth = 6_371_008.8
	lat1, lng1, a := p.Lat*math.Pi/180, p.Lng*math.Pi/180, d/earth
	lat2 := math.Asin(math.Sin(lat1)*math.Cos(a) + math.Cos(lat1)*math.Sin(a)*math.Cos(b))
	lng2 := lng1 + math.Atan2(math.Sin(b)*math.Sin(a)*math.Cos(lat1), math.Cos(a)-math.Sin(lat1)*math.Sin(lat2))
	return geo.LatLng{Lat: lat2 * 180 / math.Pi, Lng: math.Remainder(lng2*180/math.Pi, 360)}
}

func TestCoverResolution(t *testing.T) {
	tests := []struct {
		radius float64
		res, k int
	}{
		{0, 8, 3}, {1924, 8, 7}, {5000, 7, 7}, {23_000, 6, 10}, {1e7, 3, 152},
	}
	for _, tt := range tests {
		if res, k := coverResolution(tt.radius); res != tt.res || k != tt.k {
			t.Errorf("coverResolution(%v) = %d, %d; want %d, %d", tt.radius, res, k, tt.res, tt.k)
		}
	}
}

// TestInterruptedMove stops a cross-shard move after each of its steps, as
// a crash would, and checks that the record stays readable, from an engine
// with no cache, and that the next operation that meets the old copy (here
// from the engine whose cache still names the old shard) finishes the move.
func TestInterruptedMove(t *testing.T) {
	ctx := context.Background()
	sy, dl := geo.LatLng{Lat: 41.7962, Lng: 123.451}, geo.LatLng{Lat: 38.914, Lng: 121.6147}
	for steps := range 3 {
		c, prefix := redistest.New(t), redistest.Prefix(t)
		st := NewPresence(Options{Client: c, Prefix: prefix})
		if _, err := st.StartShift(ctx, presence.Record{ID: "R", Kind: grid.PatrolOfficer,
			Mode: grid.Car, Status: presence.Available}); err != nil {
			t.Fatal(err)
		}
		first := testMove(t, "R", sy, 1)
		if _, err := st.Move(ctx, first); err != nil {
			t.Fatal(err)
		}
		m := testMove(t, "R", dl, 2)
		from, to := cellHex(grid.ShardCell(first.Cell)), cellHex(grid.ShardCell(m.Cell))
		res, err := st.runMove(ctx, from, to, m)
		if err != nil || res.code != "transit" {
			t.Fatalf("runMove = %+v, %v", res, err)
		}
		if steps >= 1 {
			mustRun(t, presPut.Run(ctx, c, st.k.presShard(to), "R", res.str(3)).Err())
		}
		if steps >= 2 {
			f, err := splitRecord(res.str(3))
			mustRun(t, err)
			mustRun(t, presSettle.Run(ctx, c, []string{st.k.presDir("R")}, to, f[fVer]).Err())
		}
		fresh := NewPresence(Options{Client: c, Prefix: prefix})
		if r, err := fresh.Get(ctx, "R"); err != nil || r.Position != dl {
			t.Errorf("after %d steps: Get at %v, %v; want %v", steps, r.Position, err, dl)
		}
		if err := st.SetStatus(ctx, "R", presence.Available); err != nil {
			t.Fatalf("after %d steps: SetStatus: %v", steps, err)
		}
		if old := c.HGet(ctx, st.k.presRecs(from), "R").Val(); !strings.HasPrefix(old, tombPrefix) {
			t.Errorf("after %d steps and a SetStatus: the old shard holds %q, want a tombstone", steps, old)
		}
		if at := c.HGet(ctx, st.k.presDir("R"), "at").Val(); at != to {
			t.Errorf("after %d steps and a SetStatus: directory names %q, want %q", steps, at, to)
		}
		got, err := fresh.Nearby(ctx, presence.NearbyQuery{Center: dl, Radius: [4]float64{0, 0, 0, 10}}, nil)
		if err != nil || len(got) != 1 {
			t.Errorf("after %d steps: Nearby = %v, %v; want R", steps, got, err)
		}
	}
}

func testMove(t *testing.T, id string, p geo.LatLng, sec int64) presence.Move {
	t.Helper()
	c, err := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, presence.IndexResolution)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1_740_000_000+sec, 0)
	return presence.Move{Update: presence.Update{ResponderID: id, Position: p, FixTime: at}, Cell: c, SeenAt: at}
}

func mustRun(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
