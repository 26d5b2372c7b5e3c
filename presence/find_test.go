package presence_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/presence/presencetest"
	"github.com/gridwatch/gridwatch/store/memory"
)

// stepModel moves at 1 m/s and rounds ETAs to whole seconds, so that a
// responder can sit exactly on a circle's bound.
type stepModel struct{}

func (stepModel) ETA(_ grid.ResponderKind, _ grid.TravelMode, from, to geo.LatLng) (float64, float64) {
	d := geo.Haversine(from, to)
	return math.Round(d), d
}

func (stepModel) Reach(_ grid.TravelMode, seconds float64) float64 { return seconds + 1 }

func TestCirclesAreBands(t *testing.T) {
	f := newFixture(t, presence.Config{Model: stepModel{}}, nil)
	ctx := context.Background()
	at := map[string]float64{"v1": 60.2, "v2": 60.6, "v3": 180, "guard": 299.8, "patrol": 300.6}
	for id, m := range at {
		f.start(t, id)
		f.report(t, id, north(m))
	}
	cs, err := f.svc.FindResponders(ctx, presence.Query{Point: centre})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"v1"}, {"v2", "v3"}, {"guard"}}
	if len(cs) != len(want) {
		t.Fatalf("%d circles, want %d", len(cs), len(want))
	}
	for i, c := range cs {
		if got := ids(c); !slices.Equal(got, want[i]) || c.MaxETASeconds != presence.DefaultCircles[i] {
			t.Errorf("circle %d (≤ %v s) = %v, want %v", i, c.MaxETASeconds, got, want[i])
		}
	}
	if r := cs[1].Responders[1]; r.ETASeconds != 180 || math.Abs(r.DistanceM-180) > 1e-6 || r.Mode != grid.Walk {
		t.Errorf("v3 ranked %+v", r)
	}
}

func TestFindTiesAndLimit(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	roster := presencetest.Roster{}
	for i := range 15 {
		id := fmt.Sprintf("w%02d", 14-i)
		roster[id] = grid.Responder{ID: id, Kind: grid.WatchVolunteer, TravelMode: grid.Walk}
	}
	svc, err := presence.NewService(memory.NewPresence(), roster, presencetest.Locator(locator),
		presence.Config{Now: f.clock.Now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	for id := range roster {
		f.start(t, id)
		f.report(t, id, north(10))
	}
	for _, c := range []struct {
		limit int
		want  int
	}{{0, 10}, {3, 3}, {100, 15}} {
		cs, err := svc.FindResponders(context.Background(), presence.Query{Point: centre, Limit: c.limit})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(cs[0])
		if len(got) != c.want || !slices.IsSorted(got) || got[0] != "w00" {
			t.Errorf("limit %d: circle 1 = %v, want the first %d ids in order", c.limit, got, c.want)
		}
	}
}

func TestFindFilters(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	ctx := context.Background()
	f.start(t, "v1", "v2", "guard", "patrol")
	for _, id := range []string{"v1", "v2", "guard", "patrol"} {
		f.report(t, id, north(30))
	}
	if err := f.svc.SetStatus(ctx, "v2", presence.Busy); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kinds []grid.ResponderKind
		want  []string
	}{
		{nil, []string{"guard", "patrol", "v1"}},
		{[]grid.ResponderKind{grid.WatchVolunteer}, []string{"v1"}},
		{[]grid.ResponderKind{grid.SecurityGuard, grid.PatrolOfficer}, []string{"guard", "patrol"}},
		{[]grid.ResponderKind{grid.Reinforcement}, []string{}},
	} {
		cs, err := f.svc.FindResponders(ctx, presence.Query{Point: centre, Kinds: c.kinds})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(cs[0])
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("kinds %v: circle 1 = %v, want %v", c.kinds, got, c.want)
		}
	}
}

func TestFindRejects(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	for _, c := range []struct {
		name  string
		q     presence.Query
		field string
	}{
		{"NaN point", presence.Query{Point: geo.LatLng{Lat: math.NaN()}}, "point"},
		{"kind 0", presence.Query{Point: centre, Kinds: []grid.ResponderKind{0}}, "kinds[0]"},
		{"unknown kind", presence.Query{Point: centre, Kinds: []grid.ResponderKind{grid.PatrolOfficer, 99}}, "kinds[1]"},
		{"negative limit", presence.Query{Point: centre, Limit: -1}, "limit"},
		{"limit above max", presence.Query{Point: centre, Limit: presence.MaxLimit + 1}, "limit"},
	} {
		_, err := f.svc.FindResponders(context.Background(), c.q)
		if got := fieldOf(t, err); got != c.field {
			t.Errorf("%s: error names %q, want %q", c.name, got, c.field)
		}
	}
}

func TestFindEmpty(t *testing.T) {
	f := newFixture(t, presence.Config{Circles: []float64{30, 90}}, nil)
	cs, err := f.svc.FindResponders(context.Background(), presence.Query{Point: centre})
	if err != nil || len(cs) != 2 || cs[0].MaxETASeconds != 30 || cs[1].MaxETASeconds != 90 ||
		len(cs[0].Responders) != 0 || len(cs[1].Responders) != 0 {
		t.Errorf("FindResponders on no one = %+v, %v; want two empty circles", cs, err)
	}
}

// dupStore returns every candidate twice.
type dupStore struct{ presence.Store }

func (d dupStore) Nearby(ctx context.Context, q presence.NearbyQuery, buf []presence.Candidate) ([]presence.Candidate, error) {
	n := len(buf)
	buf, err := d.Store.Nearby(ctx, q, buf)
	return append(buf, buf[n:]...), err
}

func TestFindDropsDuplicates(t *testing.T) {
	clock := presencetest.NewClock(t0)
	svc, err := presence.NewService(dupStore{memory.NewPresence()}, roster, presencetest.Locator(locator),
		presence.Config{Now: clock.Now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{svc: svc, clock: clock}
	f.start(t, "v1", "v2")
	f.report(t, "v1", north(10))
	f.report(t, "v2", north(10))
	cs, err := svc.FindResponders(context.Background(), presence.Query{Point: centre})
	if got := ids(cs[0]); err != nil || !slices.Equal(got, []string{"v1", "v2"}) {
		t.Errorf("circle 1 = %v, %v; want [v1 v2] once each", got, err)
	}
}
