package geo

import (
	"fmt"
	"math"
	"strconv"
)

// earthRadius is the mean Earth radius in metres (IUGG R1) used for
// distances and areas.
const earthRadius = 6371008.8

// LatLng is a position in degrees.
type LatLng struct{ Lat, Lng float64 }

// ValidateLatLng checks that p is a usable position: both coordinates
// finite, latitude within [-90, 90] and longitude within [-180, 180]. The
// error is a *FieldError naming field. Positions decoded from JSON can never
// be NaN, but positions from gRPC requests can.
func ValidateLatLng(field string, p LatLng) error {
	if reason := latLngProblem(p); reason != "" {
		return &FieldError{Field: field, Reason: reason}
	}
	return nil
}

// latLngProblem describes what is wrong with p, or returns "".
func latLngProblem(p LatLng) string {
	if reason := coordProblem("latitude", p.Lat, 90); reason != "" {
		return reason
	}
	return coordProblem("longitude", p.Lng, 180)
}

// coordProblem describes what is wrong with coordinate v, or returns "".
func coordProblem(name string, v, limit float64) string {
	switch {
	case math.IsNaN(v):
		return name + " is NaN"
	case math.IsInf(v, 0):
		return name + " is infinite"
	case v < -limit || v > limit:
		return fmt.Sprintf("%s %g is outside [-%g, %g]", name, v, limit, limit)
	}
	return ""
}

// Haversine returns the great-circle distance between a and b in metres on
// a sphere of radius 6371008.8 m.
func Haversine(a, b LatLng) float64 { return NewTarget(b).From(a) }

// Target is a point prepared as Haversine's second argument, for measuring
// many points to it: its cosine is computed once.
type Target struct{ lat, lng, cosLat float64 }

// NewTarget prepares b.
func NewTarget(b LatLng) Target {
	lat := radians(b.Lat)
	return Target{lat: lat, lng: b.Lng, cosLat: math.Cos(lat)}
}

// From returns Haversine(a, b) for the target b, bit for bit: Haversine
// is this computation.
func (t Target) From(a LatLng) float64 {
	lat1 := radians(a.Lat)
	sinLat := math.Sin((t.lat - lat1) / 2)
	sinLng := math.Sin(radians(t.lng-a.Lng) / 2)
	h := sinLat*sinLat + math.Cos(lat1)*t.cosLat*sinLng*sinLng
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

func radians(deg float64) float64 { return deg * math.Pi / 180 }

// formatPos renders p in GeoJSON order, "[lng, lat]".
func formatPos(p LatLng) string {
	return "[" + strconv.FormatFloat(p.Lng, 'g', -1, 64) + ", " +
		strconv.FormatFloat(p.Lat, 'g', -1, 64) + "]"
}
