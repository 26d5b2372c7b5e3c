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

// BenchmarkNearby is the engine's part of a search: 60,000 responders
// uniform in Shenyang's central box (lat 41.68–41.92, lng 123.22–123.62;
// about 70 per km²), a third each walking, cycling and driving, searched
// to the default model's 5-minute reach of each mode.
func BenchmarkNearby(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	point := func() geo.LatLng {
		return geo.LatLng{Lat: 41.68 + rng.Float64()*0.24, Lng: 123.22 + rng.Float64()*0.40}
	}
	st := memory.NewPresence()
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	for i := range 60_000 {
		id := fmt.Sprintf("r%05d", i)
		mode := grid.TravelMode(1 + i%3)
		if _, err := st.StartShift(ctx, presence.Record{ID: id, Kind: grid.WatchVolunteer, Mode: mode, Status: presence.Available}); err != nil {
			b.Fatal(err)
		}
		p := point()
		c, _ := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, presence.IndexResolution)
		m := presence.Move{Update: presence.Update{ResponderID: id, Position: p, FixTime: now}, Cell: c, SeenAt: now}
		if _, err := st.Move(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	var q presence.NearbyQuery
	model := presence.DefaultLinear()
	for _, mode := range []grid.TravelMode{grid.Walk, grid.Bike, grid.Car} {
		q.Radius[mode] = model.Reach(mode, 300)
	}
	queries := make([]geo.LatLng, 1024)
	for i := range queries {
		queries[i] = point()
	}
	var buf []presence.Candidate
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
