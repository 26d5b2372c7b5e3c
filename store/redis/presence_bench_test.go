package redis_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/presence/presencetest"
	"github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
)

// The benchmark's city: Shenyang's urban districts.
const (
	benchResponders        = 60_000
	benchQueries           = 256
	benchLat0, benchLat1   = 41.68, 41.92
	benchLng0, benchLng1   = 123.22, 123.62
	benchLoaders           = 16
	benchGeoChunk          = 1_000
	benchFreshFor          = 30 * time.Second
	benchGeosearchRadiusKm = 2.5
)

// benchResponder is one responder of the benchmark's population.
type benchResponder struct {
	id   string
	kind grid.ResponderKind
	mode grid.TravelMode
	pos  geo.LatLng
	busy bool
}

// benchPopulation returns the seeded population: uniform over the urban
// districts, 75 % walking, 15 % cycling, 10 % driving, 90 % available.
func benchPopulation() []benchResponder {
	rng := rand.New(rand.NewPCG(60_000, 3))
	out := make([]benchResponder, benchResponders)
	for i := range out {
		r := benchResponder{id: fmt.Sprintf("r%05d", i), busy: rng.IntN(10) == 0,
			pos: benchPoint(rng), kind: grid.WatchVolunteer, mode: grid.Walk}
		switch x := rng.IntN(100); {
		case x < 15:
			r.kind, r.mode = grid.SafetyVolunteer, grid.Bike
		case x < 25:
			r.kind, r.mode = grid.PatrolOfficer, grid.Car
		}
		out[i] = r
	}
	return out
}

func benchPoint(rng *rand.Rand) geo.LatLng {
	return geo.LatLng{Lat: benchLat0 + rng.Float64()*(benchLat1-benchLat0),
		Lng: benchLng0 + rng.Float64()*(benchLng1-benchLng0)}
}

// BenchmarkPresenceFindVsGeosearch compares, in one run and on the same
// query points, the nearest-responder search of the 1-3-5 minute circles
// over this engine with one GEOSEARCH of 2.5 km, nearest 10, over a single
// GEO set of every responder:
//
//   - presence-3-circles: presence.Service.FindResponders (the engine's
//     Nearby with the radii of the default model's 5-minute reach per mode,
//     then the exact ETA ranking, 10 per circle);
//   - presence-nearby: the engine's Nearby alone, for the split;
//   - geosearch-2.5km-count10: GEOSEARCH FROMLONLAT BYRADIUS 2.5 km ASC
//     COUNT 10 through go-redis.
func BenchmarkPresenceFindVsGeosearch(b *testing.B) {
	c, prefix := redistest.New(b), redistest.Prefix(b)
	st := redis.NewPresence(redis.Options{Client: c, Prefix: prefix})
	pop := benchPopulation()
	geoKey := prefix + "bench:all"
	loadPresence(b, st, pop)
	loadGeo(b, c, geoKey, pop)
	rng := rand.New(rand.NewPCG(256, 1))
	points := make([]geo.LatLng, benchQueries)
	for i := range points {
		points[i] = benchPoint(rng)
	}
	b.Run("presence-3-circles", func(b *testing.B) { benchFind(b, benchService(b, st), points) })
	b.Run("presence-nearby", func(b *testing.B) { benchNearby(b, st, points) })
	b.Run("geosearch-2.5km-count10", func(b *testing.B) { benchGeosearch(b, c, geoKey, points) })
}

func benchFind(b *testing.B, svc *presence.Service, points []geo.LatLng) {
	ctx, found := context.Background(), 0
	for i := 0; b.Loop(); i++ {
		circles, err := svc.FindResponders(ctx, presence.Query{Point: points[i%len(points)]})
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range circles {
			found += len(c.Responders)
		}
	}
	b.ReportMetric(float64(found)/float64(b.N), "listed/op")
}

func benchNearby(b *testing.B, st presence.Store, points []geo.LatLng) {
	ctx, m := context.Background(), presence.DefaultLinear()
	q := presence.NearbyQuery{FreshSince: benchNow().Add(-time.Minute)}
	for _, mode := range []grid.TravelMode{grid.Walk, grid.Bike, grid.Car} {
		q.Radius[mode] = m.Reach(mode, 300)
	}
	var buf []presence.Candidate
	found := 0
	for i := 0; b.Loop(); i++ {
		q.Center = points[i%len(points)]
		var err error
		if buf, err = st.Nearby(ctx, q, buf[:0]); err != nil {
			b.Fatal(err)
		}
		found += len(buf)
	}
	b.ReportMetric(float64(found)/float64(b.N), "candidates/op")
}

func benchGeosearch(b *testing.B, c goredis.UniversalClient, key string, points []geo.LatLng) {
	ctx, found := context.Background(), 0
	for i := 0; b.Loop(); i++ {
		p := points[i%len(points)]
		ids, err := c.GeoSearch(ctx, key, &goredis.GeoSearchQuery{Longitude: p.Lng, Latitude: p.Lat,
			Radius: benchGeosearchRadiusKm, RadiusUnit: "km", Sort: "ASC", Count: 10}).Result()
		if err != nil {
			b.Fatal(err)
		}
		found += len(ids)
	}
	b.ReportMetric(float64(found)/float64(b.N), "listed/op")
}

// benchNow is the services' clock: every responder was seen just before.
func benchNow() time.Time { return t0.Add(benchFreshFor) }

// benchService is a presence.Service on the default configuration.
func benchService(b *testing.B, st presence.Store) *presence.Service {
	b.Helper()
	grids := presencetest.Locator(func(geo.LatLng) (string, string) { return "", "" })
	svc, err := presence.NewService(st, presencetest.Roster{}, grids, presence.Config{Now: benchNow}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return svc
}

// loadPresence starts every responder's shift, moves it to its position
// and sets the busy ones busy, from a few goroutines.
func loadPresence(b *testing.B, st presence.Store, pop []benchResponder) {
	b.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range benchLoaders {
		wg.Go(func() {
			for i := w; i < len(pop); i += benchLoaders {
				if err := loadOne(ctx, b, st, pop[i]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
}

func loadOne(ctx context.Context, b *testing.B, st presence.Store, r benchResponder) error {
	rec := presence.Record{ID: r.id, Kind: r.kind, Mode: r.mode, Status: presence.Available, ShiftStart: t0}
	if _, err := st.StartShift(ctx, rec); err != nil {
		return err
	}
	if _, err := st.Move(ctx, moveTo(b, r.id, r.pos, 0)); err != nil {
		return err
	}
	if r.busy {
		return st.SetStatus(ctx, r.id, presence.Busy)
	}
	return nil
}

// loadGeo puts every responder into one GEO set.
func loadGeo(b *testing.B, c goredis.UniversalClient, key string, pop []benchResponder) {
	b.Helper()
	ctx := context.Background()
	_, err := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i := 0; i < len(pop); i += benchGeoChunk {
			locs := make([]*goredis.GeoLocation, 0, benchGeoChunk)
			for _, r := range pop[i:min(i+benchGeoChunk, len(pop))] {
				locs = append(locs, &goredis.GeoLocation{Name: r.id, Longitude: r.pos.Lng, Latitude: r.pos.Lat})
			}
			p.GeoAdd(ctx, key, locs...)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPresenceMove measures a position update within a shard (one
// script), of responders walking about Shenyang.
func BenchmarkPresenceMove(b *testing.B) {
	ctx := context.Background()
	st := redis.NewPresence(redis.Options{Client: redistest.New(b), Prefix: redistest.Prefix(b)})
	pop := benchPopulation()[:1000]
	loadPresence(b, st, pop)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := pop[i%len(pop)]
		p := geo.LatLng{Lat: r.pos.Lat + float64(i%7)*1e-5, Lng: r.pos.Lng}
		m := moveTo(b, r.id, p, time.Duration(i)*time.Millisecond)
		if ok, err := st.Move(ctx, m); err != nil || !ok {
			b.Fatalf("Move = %v, %v", ok, err)
		}
	}
}
