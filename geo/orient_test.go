package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestOrient(t *testing.T) {
	tests := []struct {
		name    string
		a, b, c LatLng
		want    int
	}{
		{"left", LatLng{0, 0}, LatLng{0, 1}, LatLng{1, 0.5}, 1},
		{"right", LatLng{0, 0}, LatLng{0, 1}, LatLng{-1, 0.5}, -1},
		{"collinear horizontal", LatLng{41, 123}, LatLng{41, 124}, LatLng{41, 125}, 0},
		{"collinear 45° quantised", LatLng{41.75, 123.25}, LatLng{41.75 + 1.0/1024, 123.25 + 1.0/1024},
			LatLng{41.75 + 5.0/1024, 123.25 + 5.0/1024}, 0},
		{"collinear needing exact arithmetic", LatLng{0.1, 0.1}, LatLng{0.3, 0.3}, LatLng{0.7, 0.7}, 0},
		{"tiny left turn", LatLng{0, 0}, LatLng{1, 1}, LatLng{1 + 0x1p-52, 1}, 1},
		{"tiny right turn", LatLng{0, 0}, LatLng{1, 1}, LatLng{1 - 0x1p-53, 1}, -1},
		{"subnormal differences", LatLng{0, 0}, LatLng{0x1p-1074, 0x1p-1074}, LatLng{0, 0x1p-1074}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := orient(tt.a, tt.b, tt.c); got != tt.want {
				t.Errorf("orient = %d, want %d", got, tt.want)
			}
			if got := orientExact(tt.a, tt.b, tt.c); got != tt.want {
				t.Errorf("orientExact = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestOrientMatchesExact checks the filtered predicate against rational
// arithmetic on random, quantised and nearly collinear triples.
func TestOrientMatchesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	random := func() LatLng { return LatLng{rng.Float64()*180 - 90, rng.Float64()*360 - 180} }
	quantised := func() LatLng {
		return LatLng{41 + float64(rng.IntN(64))/1024, 123 + float64(rng.IntN(64))/1024}
	}
	for range 20000 {
		a, b := random(), random()
		s := rng.Float64()*3 - 1
		near := LatLng{a.Lat + s*(b.Lat-a.Lat), a.Lng + s*(b.Lng-a.Lng)} // collinear up to rounding
		near.Lat = math.Nextafter(near.Lat, near.Lat+float64(rng.IntN(3)-1))
		for _, tri := range [][3]LatLng{{a, b, random()}, {a, b, near}, {quantised(), quantised(), quantised()}} {
			if got, want := orient(tri[0], tri[1], tri[2]), orientExact(tri[0], tri[1], tri[2]); got != want {
				t.Fatalf("orient%v = %d, exact %d", tri, got, want)
			}
		}
	}
}

func TestClassify(t *testing.T) {
	p := func(x, y float64) LatLng { return LatLng{Lat: y, Lng: x} }
	tests := []struct {
		name       string
		a, b, c, d LatLng
		want       contact
	}{
		{"disjoint", p(0, 0), p(1, 0), p(0, 1), p(1, 1), noContact},
		{"disjoint boxes overlap", p(0, 0), p(2, 2), p(2, 0), p(1.5, 1), noContact},
		{"cross", p(0, 0), p(2, 2), p(0, 2), p(2, 0), crosses},
		{"T touch", p(0, 0), p(2, 0), p(1, 0), p(1, 1), touches},
		{"T touch other way", p(1, 0), p(1, 1), p(0, 0), p(2, 0), touches},
		{"shared endpoint", p(0, 0), p(1, 0), p(1, 0), p(2, 1), vertexTouch},
		{"shared endpoint reversed", p(0, 0), p(1, 0), p(2, 1), p(0, 0), vertexTouch},
		{"collinear disjoint", p(0, 0), p(1, 0), p(2, 0), p(3, 0), noContact},
		{"collinear end to end", p(0, 0), p(1, 0), p(1, 0), p(3, 0), vertexTouch},
		{"collinear overlap", p(0, 0), p(2, 0), p(1, 0), p(3, 0), overlaps},
		{"collinear contained", p(0, 0), p(3, 0), p(2, 0), p(1, 0), overlaps},
		{"same segment reversed", p(0, 0), p(1, 1), p(1, 1), p(0, 0), overlaps},
		{"collinear vertical overlap", p(5, 0), p(5, 2), p(5, 3), p(5, 1), overlaps},
		{"collinear same start", p(0, 0), p(1, 0), p(0, 0), p(2, 0), overlaps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.a, tt.b, tt.c, tt.d); got != tt.want {
				t.Errorf("classify = %v, want %v", got, tt.want)
			}
			if got := classify(tt.c, tt.d, tt.a, tt.b); got != tt.want {
				t.Errorf("classify swapped = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsSpike(t *testing.T) {
	p := func(x, y float64) LatLng { return LatLng{Lat: y, Lng: x} }
	tests := []struct {
		name    string
		a, b, c LatLng
		want    bool
	}{
		{"straight on", p(0, 0), p(1, 0), p(2, 0), false},
		{"back to start", p(0, 0), p(1, 0), p(0, 0), true},
		{"back part way", p(0, 0), p(2, 0), p(1, 0), true},
		{"back past start", p(0, 0), p(1, 1), p(-1, -1), true},
		{"vertical back", p(3, 0), p(3, 2), p(3, 1), true},
		{"turn", p(0, 0), p(1, 0), p(1, 1), false},
		{"sharp turn", p(0, 0), p(1, 0), p(0, 0.001), false},
	}
	for _, tt := range tests {
		if got := isSpike(tt.a, tt.b, tt.c); got != tt.want {
			t.Errorf("%s: isSpike = %v, want %v", tt.name, got, tt.want)
		}
	}
}
