package presence_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/presence/presencetest"
	"github.com/gridwatch/gridwatch/store/memory"
	"github.com/uber/h3-go/v4"
)

// benchResponders is the city's on-shift headcount in the benchmarks.
const benchResponders = 60_000

// city is a service over a memory engine holding benchResponders
// responders, 90% available, with a fixed set of query points.
type city struct {
	svc     *presence.Service
	st      *memory.Presence
	clock   *presencetest.Clock
	roster  presencetest.Roster
	ids     []string
	pos     []geo.LatLng
	queries []geo.LatLng
}

var (
	citiesMu sync.Mutex
	cities   = map[string]*city{}
)

// cityFor builds (once) the city of an area: "districts" (uniform in the
// nine urban districts, about 16 responders per km²) or "box" (uniform in
// the central box, about 70 per km²).
func cityFor(b *testing.B, name string) *city {
	citiesMu.Lock()
	defer citiesMu.Unlock()
	if c := cities[name]; c != nil {
		return c
	}
	a := presencetest.CentralBox()
	if name == "districts" {
		a = presencetest.UrbanDistricts(b, "../testdata/shenyang/districts.geojson")
	}
	c := newCity(b, a, presencetest.Locator(func(geo.LatLng) (string, string) { return "P1", "" }))
	cities[name] = c
	return c
}

func newCity(b *testing.B, a *presencetest.Area, grids presence.GridLocator) *city {
	rng := rand.New(rand.NewPCG(60_000, 135))
	c := &city{st: memory.NewPresence(), clock: presencetest.NewClock(t0), roster: presencetest.Roster{}}
	svc, err := presence.NewService(c.st, c.roster, grids, presence.Config{Now: c.clock.Now, Location: cst}, nil)
	if err != nil {
		b.Fatal(err)
	}
	c.svc = svc
	ctx := context.Background()
	for i := range benchResponders {
		id := fmt.Sprintf("r%05d", i)
		c.roster[id] = presencetest.CityResponder(rng, id)
		c.ids, c.pos = append(c.ids, id), append(c.pos, a.Point(rng))
		if _, err := svc.StartShift(ctx, id); err != nil {
			b.Fatal(err)
		}
		u := presence.Update{ResponderID: id, Position: c.pos[i], AccuracyM: 8, FixTime: t0}
		if _, err := svc.Report(ctx, u); err != nil {
			b.Fatal(err)
		}
		if rng.IntN(10) == 0 {
			if err := svc.SetStatus(ctx, id, presence.Busy); err != nil {
				b.Fatal(err)
			}
		}
	}
	for range 1024 {
		c.queries = append(c.queries, a.Point(rng))
	}
	return c
}

// reportPercentiles adds p50 and p99 of the measured latencies.
func reportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkFindResponders searches the three circles for every kind at
// random points of the city; p50-ns and p99-ns are per search.
func BenchmarkFindResponders(b *testing.B) {
	for _, name := range []string{"districts", "box"} {
		b.Run(name, func(b *testing.B) {
			c := cityFor(b, name)
			ctx := context.Background()
			for _, p := range c.queries { // build the engine's cached disks
				if _, err := c.svc.FindResponders(ctx, presence.Query{Point: p}); err != nil {
					b.Fatal(err)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				start := time.Now()
				_, err := c.svc.FindResponders(ctx, presence.Query{Point: c.queries[i%len(c.queries)]})
				lat = append(lat, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			reportPercentiles(b, lat)
			b.ReportMetric(c.candidates(b), "candidates/op")
		})
	}
}

// candidates is the mean number of candidates the engine returns for the
// queries: what the service ranks.
func (c *city) candidates(b *testing.B) float64 {
	var q presence.NearbyQuery
	m := presence.DefaultLinear()
	for _, mode := range []grid.TravelMode{grid.Walk, grid.Bike, grid.Car} {
		q.Radius[mode] = m.Reach(mode, 300)
	}
	q.FreshSince = c.clock.Now().Add(-time.Minute)
	total := 0
	for _, p := range c.queries {
		q.Center = p
		cs, err := c.st.Nearby(context.Background(), q, nil)
		if err != nil {
			b.Fatal(err)
		}
		total += len(cs)
	}
	return float64(total) / float64(len(c.queries))
}

// BenchmarkReport moves responders a few metres through the service, one
// update per op, all kinds ("mixed", 5% community officers whose grid
// lookup is a stub) or only community officers with the real grid lookup
// of a grid.Service on the memory engine ("community-officer").
func BenchmarkReport(b *testing.B) {
	b.Run("mixed", func(b *testing.B) {
		c := cityFor(b, "districts")
		benchReport(b, c, c.svc, c.ids)
	})
	b.Run("community-officer", func(b *testing.B) {
		c := cityFor(b, "districts")
		svc, err := presence.NewService(c.st, c.roster, realGrids(b), presence.Config{Now: c.clock.Now, Location: cst}, nil)
		if err != nil {
			b.Fatal(err)
		}
		var officers []string
		for _, id := range c.ids {
			if c.roster[id].Kind == grid.CommunityOfficer {
				officers = append(officers, id)
			}
		}
		benchReport(b, c, svc, officers)
	})
}

func benchReport(b *testing.B, c *city, svc *presence.Service, ids []string) {
	ctx := context.Background()
	index := map[string]int{}
	for i, id := range c.ids {
		index[id] = i
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%len(ids) == 0 {
			c.clock.Advance(time.Second)
		}
		id := ids[i%len(ids)]
		p := c.pos[index[id]]
		p.Lat += float64(i%7) * 1e-5 // a metre or so
		u := presence.Update{ResponderID: id, Position: p, AccuracyM: 8, FixTime: c.clock.Now()}
		if _, err := svc.Report(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
}

// realGrids is a grid.Service on the memory engine with one police grid P1
// covering the city at resolution 7.
func realGrids(b *testing.B) *grid.Service {
	st := memory.New()
	c, err := h3.LatLngToCell(h3.LatLng{Lat: 41.8, Lng: 123.4}, 7)
	if err != nil {
		b.Fatal(err)
	}
	cells, err := h3.GridDisk(c, 20)
	if err != nil {
		b.Fatal(err)
	}
	owners := map[h3.Cell]string{}
	for _, cell := range cells {
		owners[cell] = "P1"
	}
	g := grid.Grid{Kind: grid.Police, ID: "P1", Name: "P1", Resolution: 7, CellCount: len(cells)}
	ch := grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{{Grid: g, Cells: cells}}, Owners: owners}
	if err := st.ApplyGridChange(context.Background(), ch); err != nil {
		b.Fatal(err)
	}
	svc, err := grid.NewService(st, grid.Config{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return svc
}

// BenchmarkGridIDs is the grid lookup a community officer's update makes.
func BenchmarkGridIDs(b *testing.B) {
	svc := realGrids(b)
	ctx := context.Background()
	p := geo.LatLng{Lat: 41.8, Lng: 123.4}
	for i := 0; b.Loop(); i++ {
		p.Lat = 41.8 + float64(i%1000)*1e-5
		if police, _, err := svc.GridIDs(ctx, p); err != nil || police != "P1" {
			b.Fatalf("GridIDs = %q, %v", police, err)
		}
	}
}
