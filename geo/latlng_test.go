package geo

import (
	"errors"
	"math"
	"testing"
)

func TestValidateLatLng(t *testing.T) {
	tests := []struct {
		name       string
		p          LatLng
		wantReason string // "" means valid
	}{
		{"shenyang", LatLng{41.8, 123.43}, ""},
		{"corners", LatLng{-90, 180}, ""},
		{"other corners", LatLng{90, -180}, ""},
		{"lat NaN", LatLng{math.NaN(), 0}, "latitude is NaN"},
		{"lng NaN", LatLng{0, math.NaN()}, "longitude is NaN"},
		{"lat +Inf", LatLng{math.Inf(1), 0}, "latitude is infinite"},
		{"lng -Inf", LatLng{0, math.Inf(-1)}, "longitude is infinite"},
		{"lat too big", LatLng{90.5, 0}, "latitude 90.5 is outside [-90, 90]"},
		{"lat too small", LatLng{-91, 0}, "latitude -91 is outside [-90, 90]"},
		{"lng too big", LatLng{0, 180.25}, "longitude 180.25 is outside [-180, 180]"},
		{"lng too small", LatLng{0, -200}, "longitude -200 is outside [-180, 180]"},
		{"both bad reports latitude", LatLng{100, 200}, "latitude 100 is outside [-90, 90]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateLatLng("req.position", tt.p)
			if tt.wantReason == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want *FieldError", err)
			}
			if got, want := *fe, (FieldError{"req.position", tt.wantReason}); got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
		})
	}
}

func TestFieldErrorMessage(t *testing.T) {
	tests := []struct {
		err  FieldError
		want string
	}{
		{FieldError{"features[3].geometry.coordinates[0][12]", "latitude is NaN"},
			"features[3].geometry.coordinates[0][12]: latitude is NaN"},
		{FieldError{"", "malformed GeoJSON: x"}, "malformed GeoJSON: x"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	if errors.Is(&FieldError{}, errors.New("invalid geometry")) {
		t.Error("FieldError matches an unrelated error with the same text")
	}
}

func TestHaversine(t *testing.T) {
	const r = 6371008.8
	tests := []struct {
		name string
		a, b LatLng
		want float64
	}{
		{"same point", LatLng{41.8, 123.4}, LatLng{41.8, 123.4}, 0},
		{"quarter of the equator", LatLng{0, 0}, LatLng{0, 90}, math.Pi / 2 * r},
		{"equator to pole", LatLng{0, 17}, LatLng{90, 0}, math.Pi / 2 * r},
		{"antipodes", LatLng{10, 20}, LatLng{-10, -160}, math.Pi * r},
		{"one degree of latitude", LatLng{41, 123}, LatLng{42, 123}, math.Pi / 180 * r},
		{"across the antimeridian", LatLng{0, 179.5}, LatLng{0, -179.5}, math.Pi / 180 * r},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Haversine(tt.a, tt.b); math.Abs(got-tt.want) > 1e-6 {
				t.Errorf("got %.6f m, want %.6f m", got, tt.want)
			}
		})
	}
}
