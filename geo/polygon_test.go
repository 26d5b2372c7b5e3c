package geo

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestAreaM2(t *testing.T) {
	const r = 6371008.8
	sphere := 4 * math.Pi * r * r
	// A 0.01° square in Shenyang: about (R·0.01°)² · cos 41.8°.
	side := r * radians(0.01)
	small := side * side * math.Cos(radians(41.805))
	tests := []struct {
		name string
		p    Polygon
		want float64
		tol  float64 // relative
	}{
		{"octant", Polygon{Outer: Ring{{0, 0}, {0, 90}, {90, 0}, {0, 0}}}, sphere / 8, 1e-12},
		{"octant clockwise", Polygon{Outer: Ring{{0, 0}, {90, 0}, {0, 90}, {0, 0}}}, sphere / 8, 1e-12},
		{"hemisphere", Polygon{Outer: Ring{{0, 0}, {0, 90}, {0, 180}, {0, -90}, {0, 0}}}, sphere / 2, 1e-12},
		{"cap around the north pole", Polygon{Outer: Ring{{80, 0}, {80, 90}, {80, 180}, {80, -90}, {80, 0}}},
			0, 0}, // filled in below
		{"small square", Polygon{Outer: Ring{{41.8, 123.4}, {41.8, 123.41}, {41.81, 123.41}, {41.81, 123.4}, {41.8, 123.4}}},
			small, 1e-4},
		{"octant minus octant hole", Polygon{
			Outer: Ring{{0, 0}, {0, 90}, {90, 0}, {0, 0}},
			Holes: []Ring{{{0, 0}, {0, 90}, {90, 0}, {0, 0}}}}, 0, 0},
		{"hole bigger than outer", Polygon{
			Outer: Ring{{41.8, 123.4}, {41.8, 123.41}, {41.81, 123.41}, {41.8, 123.4}},
			Holes: []Ring{{{0, 0}, {0, 90}, {90, 0}, {0, 0}}}}, 0, 0},
		{"empty", Polygon{}, 0, 0},
	}
	// Four great-circle arcs through points at 80°N enclose the pole in a
	// spherical square; compare with the sum of its four triangles with the
	// pole computed by L'Huilier's theorem.
	tests[3].want = 4 * lhuilier(LatLng{90, 0}, LatLng{80, 0}, LatLng{80, 90}) * r * r
	tests[3].tol = 1e-9
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.AreaM2()
			if math.Abs(got-tt.want) > tt.tol*tt.want+1e-6 {
				t.Errorf("got %.6f m², want %.6f m²", got, tt.want)
			}
		})
	}
}

// lhuilier returns the spherical excess of triangle abc on the unit sphere.
func lhuilier(a, b, c LatLng) float64 {
	ab, bc, ca := Haversine(a, b)/earthRadius, Haversine(b, c)/earthRadius, Haversine(c, a)/earthRadius
	s := (ab + bc + ca) / 2
	return 4 * math.Atan(math.Sqrt(math.Tan(s/2)*math.Tan((s-ab)/2)*math.Tan((s-bc)/2)*math.Tan((s-ca)/2)))
}

func TestTransform(t *testing.T) {
	p := Polygon{
		Outer: Ring{{0, 0}, {0, 4}, {4, 4}, {0, 0}},
		Holes: []Ring{{{1, 1}, {1, 2}, {2, 2}, {1, 1}}},
	}
	shift := func(q LatLng) LatLng { return LatLng{q.Lat + 10, q.Lng - 1} }
	got := p.Transform(shift)
	want := Polygon{
		Outer: Ring{{10, -1}, {10, 3}, {14, 3}, {10, -1}},
		Holes: []Ring{{{11, 0}, {11, 1}, {12, 1}, {11, 0}}},
	}
	if !slices.Equal(got.Outer, want.Outer) || len(got.Holes) != 1 || !slices.Equal(got.Holes[0], want.Holes[0]) {
		t.Fatalf("got %v, want %v", got, want)
	}
	got.Outer[0] = LatLng{}
	got.Holes[0][0] = LatLng{}
	if p.Outer[0] != (LatLng{0, 0}) || p.Holes[0][0] != (LatLng{1, 1}) {
		t.Error("Transform shares storage with its receiver")
	}
	if h := (Polygon{Outer: p.Outer}).Transform(shift).Holes; h != nil {
		t.Errorf("holes = %v, want nil", h)
	}
}

func TestValidatePolygon(t *testing.T) {
	outer := ringOf(0, 0, 10, 0, 10, 10, 0, 10, 0, 0)
	tests := []struct {
		name       string
		p          Polygon
		wantField  string
		wantReason string
	}{
		{"no holes", Polygon{Outer: outer}, "", ""},
		{"hole inside", Polygon{Outer: outer, Holes: []Ring{ringOf(2, 2, 4, 2, 4, 4, 2, 2)}}, "", ""},
		{"hole touching the outer ring first", Polygon{Outer: outer, Holes: []Ring{ringOf(0, 5, 2, 4, 2, 6, 0, 5)}}, "", ""},
		{"hole outside", Polygon{Outer: outer, Holes: []Ring{ringOf(2, 2, 4, 2, 4, 4, 2, 2), ringOf(12, 2, 14, 2, 14, 4, 12, 2)}},
			"p[2]", "hole is not inside the outer ring"},
		{"hole on the boundary, then outside", Polygon{Outer: outer, Holes: []Ring{ringOf(10, 5, 12, 4, 12, 6, 10, 5)}},
			"p[1]", "hole is not inside"},
		{"bad outer ring", Polygon{Outer: ringOf(0, 0, 10, 10, 10, 0, 0, 10, 0, 0)}, "p[0][0]", "crosses"},
		{"missing outer ring", Polygon{}, "p[0]", "has 0 positions"},
		{"bad hole ring", Polygon{Outer: outer, Holes: []Ring{ringOf(2, 2, 4, 2, 4, 4, 2, 4)}}, "p[1]", "not closed"},
		{"bad hole position", Polygon{Outer: outer, Holes: []Ring{{xy(2, 2), xy(4, 2), xy(4, math.NaN()), xy(2, 2)}}},
			"p[1][2]", "latitude is NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantFieldError(t, ValidatePolygon("p", tt.p), tt.wantField, tt.wantReason)
		})
	}
}

// locateAll is the reference for bandIndex.locate: every edge is examined.
func locateAll(p LatLng, r Ring) location {
	in := false
	for k := 0; k+1 < len(r); k++ {
		a, b := r[k], r[k+1]
		o := orient(a, b, p)
		if o == 0 && edgeBox(a, b).intersects(box{p.Lng, p.Lat, p.Lng, p.Lat}) {
			return onBoundary
		}
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) && (b.Lat > a.Lat) == (o > 0) {
			in = !in
		}
	}
	if in {
		return inside
	}
	return outside
}

func TestLocate(t *testing.T) {
	square := ringOf(0, 0, 4, 0, 4, 4, 0, 4, 0, 0)
	notch := ringOf(0, 0, 4, 0, 4, 4, 2, 2, 0, 4, 0, 0) // V-shaped notch from the top
	tests := []struct {
		name string
		p    LatLng
		r    Ring
		want location
	}{
		{"inside", xy(1, 1), square, inside},
		{"outside", xy(5, 1), square, outside},
		{"above", xy(1, 5), square, outside},
		{"level with a vertex, outside", xy(-1, 4), square, outside},
		{"level with a vertex, inside", xy(2, 4-1e-9), square, inside},
		{"on an edge", xy(4, 2), square, onBoundary},
		{"on a vertex", xy(0, 0), square, onBoundary},
		{"on the top vertex", xy(0, 4), square, onBoundary},
		{"in the notch", xy(2, 3), notch, outside},
		{"below the notch", xy(2, 1), notch, inside},
		{"level with the notch tip", xy(1, 2), notch, inside},
		{"empty ring", xy(1, 1), Ring{}, outside},
	}
	for _, tt := range tests {
		got, ok := newBandIndex(tt.r, 1000).locate(tt.p)
		if got != tt.want || !ok {
			t.Errorf("%s: locate = %d, %v; want %d", tt.name, got, ok, tt.want)
		}
		if ref := locateAll(tt.p, tt.r); ref != tt.want {
			t.Errorf("%s: locateAll = %d, want %d", tt.name, ref, tt.want)
		}
	}
}

func TestBandIndexMatchesReference(t *testing.T) {
	rings := []Ring{circle(41.8, 123.4, 0.2, 500), comb(40), flower(30), ringOf(0, 0, 4, 0, 4, 4, 2, 2, 0, 4, 0, 0)}
	for ri, r := range rings {
		ix := newBandIndex(r, 1<<30)
		b := edgeBox(r[0], r[0])
		for _, q := range r {
			b = box{min(b.minX, q.Lng), min(b.minY, q.Lat), max(b.maxX, q.Lng), max(b.maxY, q.Lat)}
		}
		probes := append(Ring{}, r...) // vertices lie on the boundary
		for k := range 2000 {
			fx, fy := float64(k%47)/46, float64(k/47)/42
			probes = append(probes, LatLng{Lat: b.minY - 0.1 + fy*(b.maxY-b.minY+0.2), Lng: b.minX - 0.1 + fx*(b.maxX-b.minX+0.2)})
		}
		for _, p := range probes {
			if got, _ := ix.locate(p); got != locateAll(p, r) {
				t.Fatalf("ring %d, point %v: locate = %d, reference %d", ri, p, got, locateAll(p, r))
			}
		}
	}
}

func TestManyHoles(t *testing.T) {
	outer := circle(41.8, 123.4, 0.5, 20000)
	var holes []Ring
	for k := range 20000 {
		x, y := float64(k%141)/141*0.6-0.3, float64(k/141)/142*0.6-0.3
		holes = append(holes, circle(41.8+y, 123.4+x, 0.0005, 4))
	}
	start := time.Now()
	if err := ValidatePolygon("p", Polygon{Outer: outer, Holes: holes}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("20000 holes in a 20000-vertex ring took %v", d)
	}
	holes[12345] = circle(41.8, 124.4, 0.0005, 4)
	wantFieldError(t, ValidatePolygon("p", Polygon{Outer: outer, Holes: holes}), "p[12346]", "not inside")
	// A comb has bands full of long edges: many holes exhaust the budget.
	var combHoles []Ring
	for range 20000 {
		combHoles = append(combHoles, Ring{xy(0.0001, 40), xy(0.0002, 40), xy(0.0001, 40.0001), xy(0.0001, 40)})
	}
	wantFieldError(t, ValidatePolygon("p", Polygon{Outer: comb(1000), Holes: combHoles}), "p", "too complex")
}
