package presencetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/presence"
)

// nearbySlack is how far beyond a radius an engine may return someone:
// "slightly beyond", for engines that filter on approximate distances.
func nearbySlack(r float64) float64 { return r*1.001 + 1 }

// testNearbyProperty compares Nearby with a brute force on random
// responders, radii, kinds and freshness: everyone offered within a radius
// is returned, once, and no one else but a few just beyond.
func testNearbyProperty(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	rng := rand.New(rand.NewPCG(7, 1500))
	states := populateStore(t, s, rng, 1500)
	for qi := range 150 {
		q := presence.NearbyQuery{Center: randomPoint(rng, 2500), Kinds: randomKinds(rng)}
		for mode := 1; mode < 4; mode++ {
			if rng.IntN(5) > 0 {
				q.Radius[mode] = rng.Float64() * 2500
			}
		}
		if rng.IntN(5) > 0 {
			q.FreshSince = base.Add(between(rng, 0, 2*time.Minute))
		}
		got, err := s.Nearby(context.Background(), q, nil)
		if err != nil {
			t.Fatalf("query %d: Nearby: %v", qi, err)
		}
		checkNearby(t, fmt.Sprintf("query %d", qi), q, got, states)
	}
}

// populateStore starts n random shifts on s and returns what it did.
func populateStore(t *testing.T, s presence.Store, rng *rand.Rand, n int) map[string]*state {
	ctx := context.Background()
	states := map[string]*state{}
	for i := range n {
		st := &state{id: fmt.Sprintf("n%04d", i), kind: randomKind(rng), mode: randomMode(rng), status: presence.Available}
		start(t, s, record(st.id, st.kind, st.mode))
		states[st.id] = st
		for range rng.IntN(3) { // no fix, one or two
			seen := base.Add(between(rng, 0, 2*time.Minute))
			if seen.Before(st.seen) {
				seen = st.seen
			}
			m := moveAt(t, st.id, randomPoint(rng, 3000), seen)
			mustMove(t, s, m)
			st.hasFix, st.pos, st.cell, st.fix, st.seen = true, m.Position, m.Cell, m.FixTime, m.SeenAt
		}
		switch x := rng.IntN(100); {
		case x < 12:
			if err := s.SetStatus(ctx, st.id, presence.Busy); err != nil {
				t.Fatal(err)
			}
			st.status = presence.Busy
		case x < 15:
			if _, err := s.EndShift(ctx, st.id); err != nil {
				t.Fatal(err)
			}
			delete(states, st.id)
		}
	}
	return states
}

// checkNearby checks one Nearby answer against the states.
func checkNearby(t *testing.T, name string, q presence.NearbyQuery, got []presence.Candidate, states map[string]*state) {
	t.Helper()
	found := map[string]bool{}
	for _, c := range got {
		st := states[c.ID]
		switch {
		case found[c.ID]:
			t.Errorf("%s: %s returned twice", name, c.ID)
		case st == nil:
			t.Errorf("%s: %s is not on shift", name, c.ID)
		case c != st.candidate():
			t.Errorf("%s: candidate %+v, want %+v", name, c, st.candidate())
		case !st.offered(q.Kinds, q.FreshSince):
			t.Errorf("%s: %s returned but filtered out: %+v", name, c.ID, st)
		case geo.Haversine(st.pos, q.Center) > nearbySlack(q.Radius[st.mode]):
			t.Errorf("%s: %s at %.3f m, beyond %v m of its mode", name, c.ID, geo.Haversine(st.pos, q.Center), q.Radius[st.mode])
		}
		found[c.ID] = true
	}
	for id, st := range states {
		if !found[id] && st.offered(q.Kinds, q.FreshSince) && geo.Haversine(st.pos, q.Center) <= q.Radius[st.mode] {
			t.Errorf("%s: missed %s at %.3f m (radius %v m)", name, id, geo.Haversine(st.pos, q.Center), q.Radius[st.mode])
		}
	}
}
