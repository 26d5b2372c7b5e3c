package presencetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

// opaqueModel hides a Linear behind another type, so that the service
// cannot use what it knows of Linear and ranks through the interface only.
type opaqueModel struct{ presence.Linear }

// serviceConfigs are the configurations the property runs: the defaults
// spelled out, a slower model with mobilisation and four circles, and the
// same behind an opaque Model.
func serviceConfigs(now func() time.Time) []presence.Config {
	slow := presence.Linear{
		Circuity: 1.4,
		SpeedKmh: map[grid.TravelMode]float64{grid.Walk: 4.5, grid.Bike: 12, grid.Car: 25},
		Mobilisation: map[grid.ResponderKind]time.Duration{grid.PatrolOfficer: 20 * time.Second,
			grid.Reinforcement: 45 * time.Second, grid.CommunityOfficer: 5 * time.Second},
	}
	return []presence.Config{
		{StaleAfter: time.Minute, Model: presence.DefaultLinear(), DefaultLimit: 10,
			Circles: []float64{60, 180, 300}, Location: base.Location(), Now: now},
		{StaleAfter: 90 * time.Second, Model: slow, DefaultLimit: 7,
			Circles: []float64{45, 120, 240, 300}, Location: base.Location(), Now: now},
		{StaleAfter: time.Minute, Model: opaqueModel{slow}, DefaultLimit: 10,
			Circles: []float64{60, 180, 300}, Location: base.Location(), Now: now},
	}
}

// RunServiceProperty checks presence.Service.FindResponders over the
// engine against a brute-force ranking of every responder, on a few
// thousand random responders around Shenyang (random kinds, modes,
// statuses, staleness, ties) and random queries: the circles must be
// exactly equal, ids, order, ETAs and distances. RunStoreTests includes it.
func RunServiceProperty(t *testing.T, newStore func(t *testing.T) presence.Store) {
	st := newStore(t)
	rng := rand.New(rand.NewPCG(20250601, 135))
	clock := NewClock(base)
	roster := randomRoster(rng, 2500)
	grids := Locator(func(p geo.LatLng) (string, string) {
		if p.Lat >= Shenyang.Lat {
			return "P1", "C1"
		}
		return "P2", ""
	})
	var svcs []*presence.Service
	cfgs := serviceConfigs(clock.Now)
	for _, cfg := range cfgs {
		svc, err := presence.NewService(st, roster, grids, cfg, nil)
		if err != nil {
			t.Fatalf("NewService: %v", err)
		}
		svcs = append(svcs, svc)
	}
	states := populateService(t, svcs[0], clock, rng, roster)
	var cov coverage
	for i, svc := range svcs {
		for _, at := range []time.Duration{180 * time.Second, 200 * time.Second} {
			clock.Set(base.Add(at))
			for qi := range 120 {
				name := fmt.Sprintf("config %d, t+%v, query %d", i, at, qi)
				checkFind(t, name, svc, cfgs[i], randomQuery(rng, states), clock.Now(), states, &cov)
			}
		}
	}
	cov.check(t)
}

// randomRoster returns n responders with random kinds and modes.
func randomRoster(rng *rand.Rand, n int) Roster {
	r := Roster{}
	for i := range n {
		id := fmt.Sprintf("r%04d", i)
		r[id] = grid.Responder{ID: id, Kind: randomKind(rng), TravelMode: randomMode(rng), HomeGrid: "P1"}
	}
	return r
}

// randomQuery draws a point (sometimes exactly on a responder), kinds and
// a limit.
func randomQuery(rng *rand.Rand, states map[string]*state) presence.Query {
	q := presence.Query{Point: randomPoint(rng, 2500), Kinds: randomKinds(rng)}
	q.Limit = []int{0, 0, 1, 2, 5, 10, 30, 100}[rng.IntN(8)]
	if rng.IntN(7) == 0 {
		ids := sortedKeys(states)
		if st := states[ids[rng.IntN(len(ids))]]; st.hasFix {
			q.Point = st.pos
		}
	}
	return q
}

func sortedKeys(states map[string]*state) []string {
	ids := make([]string, 0, len(states))
	for id := range states {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// checkFind compares one search with the brute force.
func checkFind(t *testing.T, name string, svc *presence.Service, cfg presence.Config, q presence.Query,
	now time.Time, states map[string]*state, cov *coverage) {
	t.Helper()
	got, err := svc.FindResponders(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: FindResponders(%+v): %v", name, q, err)
	}
	want, all := bruteForce(states, cfg, q, now)
	cov.add(want, all)
	if len(got) != len(want) {
		t.Fatalf("%s: %d circles, want %d", name, len(got), len(want))
	}
	for b := range want {
		g, w := got[b], want[b]
		if g.MaxETASeconds != w.MaxETASeconds || !slices.Equal(g.Responders, w.Responders) {
			t.Errorf("%s (%+v): circle %d\n got %v\nwant %v", name, q, b, describe(g), describe(w))
		}
	}
}

// describe renders a circle compactly for failure messages.
func describe(c presence.Circle) string {
	s := fmt.Sprintf("≤%vs:", c.MaxETASeconds)
	for _, r := range c.Responders {
		s += fmt.Sprintf(" %s(%s/%s %.6fs %.3fm)", r.ID, r.Kind, r.Mode, r.ETASeconds, r.DistanceM)
	}
	return s
}
