package memory_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/memory"
	"github.com/uber/h3-go/v4"
)

// boxPoint draws a point uniform in Shenyang's central box (lat
// 41.68–41.92, lng 123.22–123.62).
func boxPoint(rng *rand.Rand) geo.LatLng {
	return geo.LatLng{Lat: 41.68 + rng.Float64()*0.24, Lng: 123.22 + rng.Float64()*0.40}
}

// boxPresence returns a store of n available responders in the box, a
// third each walking, cycling and driving, all seen at now.
func boxPresence(b *testing.B, rng *rand.Rand, n int, now time.Time) *memory.Presence {
	st, ctx := memory.NewPresence(), context.Background()
	for i := range n {
		id := fmt.Sprintf("r%05d", i)
		r := presence.Record{ID: id, Kind: grid.WatchVolunteer, Mode: grid.TravelMode(1 + i%3), Status: presence.Available}
		if _, err := st.StartShift(ctx, r); err != nil {
			b.Fatal(err)
		}
		p := boxPoint(rng)
		c, _ := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, presence.IndexResolution)
		m := presence.Move{Update: presence.Update{ResponderID: id, Position: p, FixTime: now}, Cell: c, SeenAt: now}
		if _, err := st.Move(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

// BenchmarkNearby is the engine's part of a search: 60,000 responders in
// the box (about 70 per km²) searched to the default model's 5-minute
// reach of each mode, the disks of the query points already cached.
func BenchmarkNearby(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	st, ctx := boxPresence(b, rng, 60_000, now), context.Background()
	q := presence.NearbyQuery{FreshSince: now.Add(-time.Minute)}
	model := presence.DefaultLinear()
	for _, mode := range []grid.TravelMode{grid.Walk, grid.Bike, grid.Car} {
		q.Radius[mode] = model.Reach(mode, 300)
	}
	queries := make([]geo.LatLng, 1024)
	var buf []presence.Candidate
	for i := range queries {
		queries[i] = boxPoint(rng)
		q.Center = queries[i]
		if _, err := st.Nearby(ctx, q, nil); err != nil { // caches the disk
			b.Fatal(err)
		}
	}
	found := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		q.Center = queries[i%len(queries)]
		var err error
		if buf, err = st.Nearby(ctx, q, buf[:0]); err != nil {
			b.Fatal(err)
		}
		found += len(buf)
	}
	b.ReportMetric(float64(found)/float64(b.N), "candidates/op")
}
