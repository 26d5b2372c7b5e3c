package geo

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// xy builds a position from planar coordinates: x is longitude, y latitude.
func xy(x, y float64) LatLng { return LatLng{Lat: y, Lng: x} }

// ringOf builds a ring from x, y pairs.
func ringOf(c ...float64) Ring {
	r := make(Ring, 0, len(c)/2)
	for k := 0; k+1 < len(c); k += 2 {
		r = append(r, xy(c[k], c[k+1]))
	}
	return r
}

// wantFieldError checks that err is a *FieldError with the given field and
// a reason containing reasonPart ("" for a nil error).
func wantFieldError(t *testing.T, err error, field, reasonPart string) {
	t.Helper()
	if field == "" && reasonPart == "" {
		if err != nil {
			t.Fatalf("got error %v, want nil", err)
		}
		return
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v (%T), want *FieldError", err, err)
	}
	if fe.Field != field || !strings.Contains(fe.Reason, reasonPart) {
		t.Fatalf("got Field %q Reason %q, want Field %q Reason containing %q", fe.Field, fe.Reason, field, reasonPart)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("errors.Is(%v, ErrInvalid) = false", err)
	}
}

func TestValidateRing(t *testing.T) {
	tests := []struct {
		name       string
		ring       Ring
		wantField  string
		wantReason string
	}{
		{"square", ringOf(0, 0, 4, 0, 4, 4, 0, 4, 0, 0), "", ""},
		{"clockwise square", ringOf(0, 0, 0, 4, 4, 4, 4, 0, 0, 0), "", ""},
		{"triangle", ringOf(0, 0, 4, 0, 0, 4, 0, 0), "", ""},
		{"consecutive duplicates", ringOf(0, 0, 0, 0, 4, 0, 4, 4, 4, 4, 4, 4, 0, 4, 0, 0, 0, 0), "", ""},
		{"collinear vertex", ringOf(0, 0, 2, 0, 4, 0, 4, 4, 0, 0), "", ""},
		{"empty", Ring{}, "r", "has 0 positions"},
		{"three positions", ringOf(0, 0, 4, 0, 0, 0), "r", "has 3 positions"},
		{"short after duplicates", ringOf(0, 0, 0, 0, 4, 0, 4, 0, 0, 0), "r", "has 3 positions"},
		{"not closed", ringOf(0, 0, 4, 0, 4, 4, 0, 4), "r", "not closed"},
		{"NaN latitude", Ring{xy(0, 0), xy(1, 0), {Lat: math.NaN(), Lng: 1}, xy(0, 0)}, "r[2]", "latitude is NaN"},
		{"infinite longitude", Ring{xy(0, 0), xy(math.Inf(1), 0), xy(1, 1), xy(0, 0)}, "r[1]", "longitude is infinite"},
		{"out of range", Ring{xy(0, 0), xy(1, 0), xy(1, 95), xy(0, 0)}, "r[2]", "latitude 95 is outside"},
		{"bow-tie", ringOf(0, 0, 4, 4, 4, 0, 0, 4, 0, 0), "r[0]", "edge [0]-[1] crosses edge [2]-[3]"},
		{"bow-tie with duplicates keeps caller indices", ringOf(0, 0, 0, 0, 4, 4, 4, 0, 4, 0, 0, 4, 0, 0),
			"r[0]", "edge [0]-[2] crosses edge [3]-[5]"},
		{"spike", ringOf(0, 0, 4, 0, 4, 2, 6, 2, 4, 2, 4, 4, 0, 4, 0, 0), "r[3]", "spike"},
		{"spike turning back part way", ringOf(0, 0, 6, 0, 3, 0, 3, 3, 0, 0), "r[1]", "spike"},
		{"spike at the start", ringOf(6, 0, 3, 0, 3, 3, 0, 0, 6, 0), "r[0]", "spike"},
		{"degenerate triangle", ringOf(0, 0, 2, 0, 1, 0, 0, 0), "r[0]", "spike"},
		{"vertex touching an edge (self-touching, allowed)", ringOf(0, 0, 4, 0, 4, 4, 3, 4, 2, 0, 1, 4, 0, 4, 0, 0), "", ""},
		{"corridor traversed twice", ringOf(0, 0, 4, 0, 4, 2, 6, 2, 6, 1, 8, 1, 8, 3, 6, 3, 6, 2, 4, 2, 4, 4, 0, 4, 0, 0),
			"r[2]", "crosses itself at this position"},
		{"twisted far beyond a sliver", ringOf(123.40, 41.80, 123.41, 41.81, 123.40, 41.81, 123.41, 41.80, 123.40, 41.80), "r[0]", "crosses"},
		{"closing edge crosses", ringOf(4, 4, 4, 0, 0, 4, 0, 0, 4, 4), "r[1]", "edge [1]-[2] crosses edge [3]-[4]"},
		{"touching itself at a vertex", ringOf(0, 0, 2, 0, 2, 2, 4, 2, 4, 4, 2, 4, 2, 2, 0, 2, 0, 0), "", ""},
		{"inverted hole touching at a vertex", ringOf(0, 0, 6, 0, 6, 6, 3, 6, 4, 4, 2, 4, 3, 6, 0, 6, 0, 0), "", ""},
		{"loop turning the wrong way at a vertex", ringOf(0, 0, 6, 0, 6, 6, 3, 6, 2, 4, 4, 4, 3, 6, 0, 6, 0, 0),
			"r[3]", "crosses itself at this position [3, 6]"},
		{"crossing at a shared vertex", ringOf(2, 0, 2, 2, 2, 4, 0, 4, 0, 2, 2, 2, 4, 2, 4, 0, 2, 0),
			"r[1]", "crosses itself at this position [2, 2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateRing("r", tt.ring)
			wantFieldError(t, err, tt.wantField, tt.wantReason)
			checkAgainstBruteForce(t, tt.ring)
		})
	}
}

func TestDespike(t *testing.T) {
	tests := []struct {
		name     string
		ring     Ring
		want     Ring
		wantOrig []int
	}{
		{"nothing to do", ringOf(0, 0, 4, 0, 4, 4, 0, 0), ringOf(0, 0, 4, 0, 4, 4, 0, 0), []int{0, 1, 2, 3}},
		{"a-b-a", ringOf(0, 0, 4, 0, 4, 2, 6, 2, 4, 2, 4, 4, 0, 4, 0, 0),
			ringOf(0, 0, 4, 0, 4, 2, 4, 4, 0, 4, 0, 0), []int{0, 1, 2, 5, 6, 7}},
		{"nested", ringOf(0, 0, 4, 0, 4, 2, 6, 2, 8, 2, 6, 2, 4, 2, 4, 4, 0, 4, 0, 0),
			ringOf(0, 0, 4, 0, 4, 2, 4, 4, 0, 4, 0, 0), []int{0, 1, 2, 7, 8, 9}},
		{"part way back", ringOf(0, 0, 6, 0, 3, 0, 3, 3, 0, 0), ringOf(0, 0, 3, 0, 3, 3, 0, 0), []int{0, 2, 3, 4}},
		{"past the start", ringOf(0, 0, 2, 0, 2, 2, 4, 4, 1, 1, 0, 2, 0, 0),
			ringOf(0, 0, 2, 0, 2, 2, 1, 1, 0, 2, 0, 0), []int{0, 1, 2, 4, 5, 6}},
		{"at the start", ringOf(6, 2, 4, 2, 4, 4, 0, 4, 0, 0, 4, 0, 4, 2, 6, 2),
			ringOf(4, 2, 4, 4, 0, 4, 0, 0, 4, 0, 4, 2), []int{1, 2, 3, 4, 5, 1}},
		{"collapses", ringOf(0, 0, 1, 0, 0, 0, 1, 0, 0, 0), ringOf(0, 0, 1, 0, 0, 0), []int{0, 3, 4}},
		{"not closed is left alone", ringOf(0, 0, 4, 0, 0, 0, 4, 4), ringOf(0, 0, 4, 0, 0, 0, 4, 4), []int{0, 1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := despike(dedupe(tt.ring))
			if !slices.Equal(got.pts, tt.want) || !slices.Equal(got.orig, tt.wantOrig) {
				t.Errorf("got %v %v, want %v %v", got.pts, got.orig, tt.want, tt.wantOrig)
			}
			if len(got.pts) >= 4 && got.pts[0] == got.pts[len(got.pts)-1] {
				if err := ValidateRing("r", Ring(got.pts)); err != nil && strings.Contains(err.Error(), "spike") {
					t.Errorf("despiked ring still has a spike: %v", err)
				}
			}
		})
	}
}

// circle returns a closed n-gon around (lat, lng).
func circle(lat, lng, radius float64, n int) Ring {
	r := make(Ring, n+1)
	for k := range n {
		a := 2 * math.Pi * float64(k) / float64(n)
		r[k] = LatLng{Lat: lat + radius*math.Sin(a), Lng: lng + radius*math.Cos(a)}
	}
	r[n] = r[0]
	return r
}

func TestValidateRingLargeIsFast(t *testing.T) {
	r := circle(41.8, 123.4, 0.2, 100000)
	start := time.Now()
	if err := ValidateRing("r", r); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("100000-vertex ring took %v", d)
	}
	r[50000] = LatLng{Lat: 41.8, Lng: 123.4 + 0.3} // the west point moved east, out of the circle
	wantFieldError(t, ValidateRing("r", r), "r[0]", "edge [0]-[1] crosses edge [49999]-[50000]")
}

// comb returns a closed ring with n long, thin teeth pointing north.
func comb(n int) Ring {
	w := 150 / float64(n)
	r := Ring{xy(-75, 0)}
	for k := range n {
		x := -75 + float64(k)*w
		r = append(r, xy(x, 80), xy(x+w/2, 80), xy(x+w/2, 1))
	}
	return append(r, xy(75, 1), xy(75, 0), xy(-75, 0))
}

func TestValidateRingTooComplex(t *testing.T) {
	// A comb is valid but defeats a uniform grid; small ones are checked,
	// huge ones are rejected rather than taking quadratic time.
	if err := ValidateRing("r", comb(1000)); err != nil {
		t.Errorf("comb(1000): %v", err)
	}
	start := time.Now()
	wantFieldError(t, ValidateRing("r", comb(200000)), "r", "too complex")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("rejecting comb(200000) took %v", d)
	}
}

// flower returns a ring with n thin petals, all leaving from one vertex.
func flower(n int) Ring {
	c := xy(123.4, 41.8)
	r := Ring{c}
	for k := range n {
		a := 2 * math.Pi * float64(k) / float64(n)
		b := 2 * math.Pi * (float64(k) + 0.5) / float64(n)
		r = append(r, xy(c.Lng+math.Cos(a), c.Lat+math.Sin(a)), xy(c.Lng+math.Cos(b), c.Lat+math.Sin(b)), c)
	}
	return r
}

func TestValidateRingFlower(t *testing.T) {
	// Petals touching at their common vertex are allowed ...
	if err := ValidateRing("r", flower(100)); err != nil {
		t.Errorf("flower(100): %v", err)
	}
	// ... but a vertex visited thousands of times costs quadratic work.
	start := time.Now()
	wantFieldError(t, ValidateRing("r", flower(100000)), "r", "too complex")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("rejecting flower(100000) took %v", d)
	}
}
