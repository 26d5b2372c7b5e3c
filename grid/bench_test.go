package grid_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// BenchmarkImportShenyang imports the 13 districts (GCJ-02, resolution 9,
// about 180,000 cells) into an empty memory engine: decode, validate,
// convert, cover, resolve, find gaps, store.
func BenchmarkImportShenyang(b *testing.B) {
	data := readShenyang(b)
	for b.Loop() {
		b.StopTimer()
		svc, _ := newService(b, grid.Config{})
		b.StartTimer()
		mustImport(b, svc, grid.GridImport{Kind: grid.Police, Datum: geo.GCJ02, GeoJSON: data})
	}
}

// shenyangPoints are random WGS-84 points over the urban districts.
func shenyangPoints(n int) []geo.LatLng {
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([]geo.LatLng, n)
	for i := range pts {
		pts[i] = geo.LatLng{Lat: 41.70 + r.Float64()*0.20, Lng: 123.25 + r.Float64()*0.35}
	}
	return pts
}

func importedShenyang(b *testing.B) (*grid.Service, grid.Store) {
	svc, st := newService(b, grid.Config{})
	data := readShenyang(b)
	mustImport(b, svc, grid.GridImport{Kind: grid.Police, Datum: geo.GCJ02, GeoJSON: data})
	mustImport(b, svc, grid.GridImport{Kind: grid.Community, Datum: geo.GCJ02, GeoJSON: data})
	return svc, st
}

// BenchmarkLocateEngine is the point-to-grids lookup at the engine level:
// the point's cells (one H3 call, parents by bit operations) and the memory
// engine's LocateCells for both kinds.
func BenchmarkLocateEngine(b *testing.B) {
	_, st := importedShenyang(b)
	pts := shenyangPoints(4096)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		cells, err := grid.LocateCells(pts[i%len(pts)])
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := st.LocateCells(ctx, cells[:]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkLocateService is the whole lookup the API serves: both grids
// with their records and responsibility chains.
func BenchmarkLocateService(b *testing.B) {
	svc, _ := importedShenyang(b)
	pts := shenyangPoints(4096)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := svc.Locate(ctx, pts[i%len(pts)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
