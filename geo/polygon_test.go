package geo

import (
	"math"
	"slices"
	"testing"
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
		{"level with a vertex, outside", xy(-1, 4), square, outside},
		{"level with a vertex, inside", xy(2, 4-1e-9), square, inside},
		{"on an edge", xy(4, 2), square, onBoundary},
		{"on a vertex", xy(0, 0), square, onBoundary},
		{"in the notch", xy(2, 3), notch, outside},
		{"below the notch", xy(2, 1), notch, inside},
		{"level with the notch tip", xy(1, 2), notch, inside},
	}
	for _, tt := range tests {
		if got := locate(tt.p, tt.r); got != tt.want {
			t.Errorf("%s: locate = %d, want %d", tt.name, got, tt.want)
		}
	}
}
