package presence

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/uber/h3-go/v4"
)

// TestCellCache walks random small steps in several places, the date line
// and high latitudes included, and checks every cell against H3.
func TestCellCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, start := range []geo.LatLng{{Lat: 41.8, Lng: 123.43}, {Lat: 0.001, Lng: 10}, {Lat: -33.9, Lng: 151.2},
		{Lat: 69.6, Lng: 18.9}, {Lat: 79.9, Lng: -179.999}, {Lat: 52.1, Lng: 179.9999}} {
		var cc cellCache
		p, prev, hits := start, h3.Cell(0), 0
		const steps = 3000
		for i := range steps {
			step := []float64{1, 5, 30, 200}[rng.IntN(4)]
			p = geo.LatLng{Lat: p.Lat + (rng.Float64()*2-1)*step/111195, Lng: p.Lng + (rng.Float64()*2-1)*step/111195/math.Cos(p.Lat*math.Pi/180)}
			if p.Lng > 180 {
				p.Lng -= 360
			} else if p.Lng < -180 {
				p.Lng += 360
			}
			got, err := cc.cellOf(p, prev, i > 0)
			want, werr := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, IndexResolution)
			if err != nil || werr != nil || got != want {
				t.Fatalf("from %v, step %d at %v: cell %v, %v; want %v, %v", start, i, p, got, err, want, werr)
			}
			if got == prev {
				hits++
			}
			prev = got
		}
		if hits < steps/2 {
			t.Errorf("from %v: only %d of %d steps stayed in their cell", start, hits, steps)
		}
	}
}

// TestCellCacheBoundary puts points just inside and outside the inscribed
// circle of a cell.
func TestCellCacheBoundary(t *testing.T) {
	c, err := h3.LatLngToCell(h3.LatLng{Lat: 41.8, Lng: 123.43}, IndexResolution)
	if err != nil {
		t.Fatal(err)
	}
	in, ok := measure(c)
	if !ok || in.inM < 300 || in.inM > 500 {
		t.Fatalf("measure = %+v, %v; want an inscribed radius of about 400 m", in, ok)
	}
	for _, bearing := range []float64{0, 0.5, 1, 2, 3, 4, 5, 6} {
		for _, f := range []float64{0.999, 1.001, 1.2} {
			d := in.inM * f / 111195
			p := geo.LatLng{Lat: in.lat + d*math.Cos(bearing), Lng: in.lng + d*math.Sin(bearing)/math.Cos(in.lat*math.Pi/180)}
			want, _ := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, IndexResolution)
			if in.contains(p) && want != c {
				t.Errorf("bearing %v, %v of the radius: contained but in cell %v", bearing, f, want)
			}
			if f > 1 && in.contains(p) {
				t.Errorf("bearing %v, %v of the radius: contained", bearing, f)
			}
		}
	}
}
