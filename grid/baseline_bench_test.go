package grid_test

import (
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

// BenchmarkBaselineLatLngToCell is the floor under BenchmarkLocateEngine:
// the one H3 call a lookup cannot avoid.
func BenchmarkBaselineLatLngToCell(b *testing.B) {
	pts := shenyangPoints(4096)
	i := 0
	for b.Loop() {
		p := pts[i%len(pts)]
		if _, err := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, grid.MaxResolution); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkBaselineCoverSequential is the floor under
// BenchmarkImportShenyang: H3's PolygonToCells over the same 13 districts,
// one after another, with nothing else.
func BenchmarkBaselineCoverSequential(b *testing.B) {
	feats, err := geo.DecodeFeatureCollection(readShenyang(b), geo.DecodeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var polys []geo.Polygon
	for _, f := range feats {
		for _, p := range f.Geometry.Polygons {
			polys = append(polys, p.Transform(func(ll geo.LatLng) geo.LatLng { return geo.ToWGS84(geo.GCJ02, ll) }))
		}
	}
	for b.Loop() {
		if _, err := grid.Cover(polys, 9); err != nil {
			b.Fatal(err)
		}
	}
}
