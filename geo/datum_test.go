package geo

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDatum(t *testing.T) {
	tests := []struct {
		in      string
		want    Datum
		wantErr bool
	}{
		{"", WGS84, false},
		{"wgs84", WGS84, false},
		{"WGS-84", WGS84, false},
		{"gcj02", GCJ02, false},
		{"GCJ-02", GCJ02, false},
		{"Bd09", BD09, false},
		{"bd-09", BD09, false},
		{"mars", 0, true},
		{" wgs84", 0, true},
		{"gcj 02", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseDatum(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `"`+tt.in+`"`) {
				t.Errorf("ParseDatum(%q) error = %v, want one wrapping ErrInvalid and naming the value", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDatum(%q) = %v, %v; want %v, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestDatumString(t *testing.T) {
	tests := []struct {
		d    Datum
		want string
	}{{WGS84, "wgs84"}, {GCJ02, "gcj02"}, {BD09, "bd09"}, {Datum(7), "Datum(7)"}}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("Datum(%d).String() = %q, want %q", int(tt.d), got, tt.want)
		}
		if tt.d <= BD09 {
			if back, err := ParseDatum(tt.want); err != nil || back != tt.d {
				t.Errorf("ParseDatum(%q) = %v, %v; want %v", tt.want, back, err, tt.d)
			}
		}
	}
}

// TestRoundTripAcrossChina converts every point of a 0.5° grid over China
// to GCJ-02 and BD-09 and back.
func TestRoundTripAcrossChina(t *testing.T) {
	for _, d := range []Datum{WGS84, GCJ02, BD09} {
		worst, n := 0.0, 0
		for lat := 18.0; lat <= 53; lat += 0.5 {
			for lng := 74.0; lng <= 134; lng += 0.5 {
				p := LatLng{lat, lng}
				if outOfChina(p) {
					continue
				}
				n++
				back := ToWGS84(d, FromWGS84(d, p))
				worst = max(worst, Haversine(p, back))
			}
		}
		if worst >= 0.01 || n < 8000 {
			t.Errorf("%v: worst round-trip error %.3g m over %d points, want < 0.01 m", d, worst, n)
		}
	}
}

func TestOffsetInShenyang(t *testing.T) {
	p := LatLng{41.80, 123.43}
	for _, d := range []Datum{GCJ02, BD09} {
		q := FromWGS84(d, p)
		if off := Haversine(p, q); off <= 100 || off >= 2000 {
			t.Errorf("%v offset at %v = %.0f m, want several hundred metres", d, p, off)
		}
		// The offset points north-east in Shenyang.
		if q.Lat <= p.Lat || q.Lng <= p.Lng {
			t.Errorf("%v(%v) = %v, want a north-eastward shift", d, p, q)
		}
	}
	if off := Haversine(p, FromWGS84(GCJ02, p)); off <= 100 || off >= 1000 {
		t.Errorf("GCJ-02 offset = %.0f m, want 100 m < offset < 1000 m", off)
	}
}

func TestIdentityOutsideChina(t *testing.T) {
	points := []LatLng{
		{48.8566, 2.3522},    // Paris
		{-33.8688, 151.2093}, // Sydney
		{40.7128, -74.0060},  // New York
		{60.0, 100.0},        // north of the box
		{-0.5, 110.0},        // south of the box
		{35.6762, 139.6503},  // Tokyo, east of the box
	}
	for _, p := range points {
		for _, d := range []Datum{WGS84, GCJ02, BD09, Datum(9)} {
			if got := FromWGS84(d, p); got != p {
				t.Errorf("FromWGS84(%v, %v) = %v, want identity", d, p, got)
			}
			if got := ToWGS84(d, p); got != p {
				t.Errorf("ToWGS84(%v, %v) = %v, want identity", d, p, got)
			}
		}
	}
}

func TestBD09IsGCJ02PlusBaiduOffset(t *testing.T) {
	p := LatLng{41.80, 123.43}
	gcj := FromWGS84(GCJ02, p)
	want := gcjToBD(gcj)
	if got := FromWGS84(BD09, p); got != want {
		t.Errorf("FromWGS84(BD09) = %v, want gcjToBD(FromWGS84(GCJ02)) = %v", got, want)
	}
	if d := Haversine(bdToGCJ(want), gcj); d > 1e-4 {
		t.Errorf("bdToGCJ error %.3g m", d)
	}
}
