package redis_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

// destination returns the point d metres from p at bearing deg (spherical,
// with geo.Haversine's Earth radius).
func destination(p geo.LatLng, d, deg float64) geo.LatLng {
	const earth = 6_371_008.8
	lat1, lng1, b, a := p.Lat*math.Pi/180, p.Lng*math.Pi/180, deg*math.Pi/180, d/earth
	lat2 := math.Asin(math.Sin(lat1)*math.Cos(a) + math.Cos(lat1)*math.Sin(a)*math.Cos(b))
	lng2 := lng1 + math.Atan2(math.Sin(b)*math.Sin(a)*math.Cos(lat1), math.Cos(a)-math.Sin(lat1)*math.Sin(lat2))
	return geo.LatLng{Lat: lat2 * 180 / math.Pi, Lng: lng2 * 180 / math.Pi}
}

func TestPresenceNearbyFilters(t *testing.T) {
	onServers(t, func(t *testing.T, srv server) {
		ctx := context.Background()
		st := srv.newPresence(t)
		placeAround(t, st, syPos)
		circles := [4]float64{0, 320, 961, 1923}
		tests := []struct {
			name string
			q    presence.NearbyQuery
			want []string
		}{
			{"3 circles", presence.NearbyQuery{Radius: circles}, []string{"B1", "C1", "S1", "W1", "X1"}},
			{"fresh", presence.NearbyQuery{Radius: circles, FreshSince: t0.Add(time.Second)},
				[]string{"B1", "C1", "W1", "X1"}},
			{"fresh exactly", presence.NearbyQuery{Radius: circles, FreshSince: t0},
				[]string{"B1", "C1", "S1", "W1", "X1"}},
			{"kinds", presence.NearbyQuery{Radius: circles,
				Kinds: []grid.ResponderKind{grid.WatchVolunteer, grid.PatrolOfficer}}, []string{"C1", "S1", "W1"}},
			{"walk only", presence.NearbyQuery{Radius: [4]float64{0, 500, 0, 0}}, []string{"S1", "W1", "W2", "X1"}},
			{"none", presence.NearbyQuery{}, nil},
		}
		for _, tt := range tests {
			tt.q.Center = syPos
			got, err := st.Nearby(ctx, tt.q, nil)
			gotIDs := ids(got)
			slices.Sort(gotIDs)
			if err != nil || !slices.Equal(gotIDs, tt.want) {
				t.Errorf("%s: Nearby = %v, %v; want %v", tt.name, gotIDs, err, tt.want)
			}
		}
		checkCandidate(t, st, "C1")
	})
}

// placeAround starts responders around p (distances north-east of it):
// walking, cycling and driving ones inside and outside the default
// circles, a stale one (S1), a busy one (K1), one without a fix (N1) and a
// security guard (X1).
func placeAround(t *testing.T, st presence.Store, p geo.LatLng) {
	t.Helper()
	for _, r := range []struct {
		id   string
		kind grid.ResponderKind
		mode grid.TravelMode
		dist float64       // < 0: no fix
		seen time.Duration // after t0
	}{
		{"W1", grid.WatchVolunteer, grid.Walk, 100, time.Minute},
		{"W2", grid.WatchVolunteer, grid.Walk, 400, time.Minute},
		{"B1", grid.SafetyVolunteer, grid.Bike, 800, time.Minute},
		{"C1", grid.PatrolOfficer, grid.Car, 1900, time.Minute},
		{"C2", grid.PatrolOfficer, grid.Car, 2100, time.Minute},
		{"S1", grid.WatchVolunteer, grid.Walk, 50, 0},
		{"K1", grid.WatchVolunteer, grid.Walk, 50, time.Minute},
		{"N1", grid.WatchVolunteer, grid.Walk, -1, time.Minute},
		{"X1", grid.SecurityGuard, grid.Walk, 60, time.Minute},
	} {
		mustStart(t, st, startRec(r.id, r.kind, r.mode))
		if r.dist >= 0 {
			mustMove(t, st, moveTo(t, r.id, destination(p, r.dist, 45), r.seen))
		}
	}
	if err := st.SetStatus(context.Background(), "K1", presence.Busy); err != nil {
		t.Fatal(err)
	}
}

// checkCandidate checks that Nearby returns id's record exactly.
func checkCandidate(t *testing.T, st presence.Store, id string) {
	t.Helper()
	ctx := context.Background()
	r, err := st.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Nearby(ctx, presence.NearbyQuery{Center: r.Position, Radius: radii(1)}, nil)
	want := presence.Candidate{ID: id, Kind: r.Kind, Mode: r.Mode, Position: r.Position, Cell: r.Cell}
	if err != nil || len(got) != 1 || got[0] != want {
		t.Errorf("Nearby at %s = %+v, %v; want [%+v]", id, got, err, want)
	}
}

// TestPresenceNearbyEdge puts responders just inside and just outside the
// radius, at every bearing: GEO sets quantise positions, and the engine
// must still never miss one inside.
func TestPresenceNearbyEdge(t *testing.T) {
	onServers(t, func(t *testing.T, srv server) {
		ctx := context.Background()
		st := srv.newPresence(t)
		rng := rand.New(rand.NewPCG(1, 2))
		const radius = 961.0
		var inside []string
		for i := range 200 {
			id := fmt.Sprintf("R%03d", i)
			d := radius * (1 - 1e-9)
			if i%2 == 1 {
				d = radius * 1.2
			} else {
				inside = append(inside, id)
			}
			mustStart(t, st, startRec(id, grid.SafetyVolunteer, grid.Bike))
			mustMove(t, st, moveTo(t, id, destination(syPos, d, rng.Float64()*360), time.Second))
		}
		got, err := st.Nearby(ctx, presence.NearbyQuery{Center: syPos, Radius: [4]float64{0, 0, radius, 0}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range got {
			if d := geo.Haversine(syPos, c.Position); d <= radius {
				inside = slices.DeleteFunc(inside, func(id string) bool { return id == c.ID })
			}
		}
		if len(inside) > 0 {
			t.Errorf("Nearby missed %d responders inside the radius: %v", len(inside), inside)
		}
	})
}

// TestPresenceOwnGrid accrues a community officer's time in own grid over
// moves within a shard, across shards and across midnight.
func TestPresenceOwnGrid(t *testing.T) {
	onServers(t, func(t *testing.T, srv server) {
		ctx := context.Background()
		st := srv.newPresence(t)
		mustStart(t, st, startRec("CO", grid.CommunityOfficer, grid.Walk))
		const d1, d2 = "2025-03-01", "2025-03-02"
		steps := []struct {
			at     time.Duration
			to     geo.LatLng
			inside bool
			day    string
			track  bool
			cap    time.Duration
		}{
			{0, syPos, true, d1, true, time.Minute},                  // first fix: nothing before it
			{30 * time.Second, syPos, false, d1, true, time.Minute},  // 30 s inside
			{130 * time.Second, dlPos, true, d1, true, time.Minute},  // 100 s capped to 60, outside
			{140 * time.Second, dlPos, true, d2, true, time.Minute},  // 10 s inside, next day
			{150 * time.Second, syPos, true, d2, false, time.Minute}, // not tracked
			{155 * time.Second, syPos, true, d2, true, time.Minute},  // 5 s inside
			{455 * time.Second, syPos, true, d2, true, 0},            // 300 s inside, no cap
		}
		for _, s := range steps {
			m := moveTo(t, "CO", s.to, s.at)
			m.Inside, m.TrackOwnGrid, m.AccrueCap, m.Day = s.inside, s.track, s.cap, s.day
			mustMove(t, st, m)
		}
		tests := []struct {
			day     string
			on, ins float64
		}{{d1, 90, 30}, {d2, 315, 315}, {"2025-03-03", 0, 0}}
		for _, tt := range tests {
			got, err := st.OwnGridDay(ctx, "CO", tt.day)
			want := presence.OwnGridDay{ResponderID: "CO", Day: tt.day, OnShiftS: tt.on, InsideS: tt.ins}
			if err != nil || got != want {
				t.Errorf("OwnGridDay(%s) = %+v, %v; want %+v", tt.day, got, err, want)
			}
		}
		if _, err := st.EndShift(ctx, "CO"); err != nil {
			t.Fatal(err)
		}
		if got, err := st.OwnGridDay(ctx, "CO", d1); err != nil || got.OnShiftS != 90 {
			t.Errorf("after the shift OwnGridDay(%s) = %+v, %v; want it kept", d1, got, err)
		}
	})
}

// TestPresenceNearbyPolar: GEO sets end at ±85.05°; a responder beyond is
// kept but not found, and a search from there finds nothing, without error.
func TestPresenceNearbyPolar(t *testing.T) {
	ctx := context.Background()
	st := servers[0].newPresence(t)
	north := geo.LatLng{Lat: 89.5, Lng: 10}
	mustStart(t, st, startRec("R1", grid.PatrolOfficer, grid.Car))
	mustMove(t, st, moveTo(t, "R1", north, 0))
	if r, err := st.Get(ctx, "R1"); err != nil || r.Position != north {
		t.Errorf("Get = %v, %v; want at %v", r.Position, err, north)
	}
	got, err := st.Nearby(ctx, presence.NearbyQuery{Center: north, Radius: radii(1000)}, nil)
	if err != nil || len(got) != 0 {
		t.Errorf("Nearby at the pole = %v, %v; want none", got, err)
	}
}
