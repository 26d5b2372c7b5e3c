package geo

import (
	"fmt"
	"strings"
)

// Datum identifies the coordinate reference a position is expressed in.
type Datum int

const (
	// WGS84 is the storage datum; phones report it.
	WGS84 Datum = iota
	// GCJ02 is China's obfuscated "Mars" datum used by most Chinese map
	// data (AutoNavi/Gaode, Tencent, and the echarts district outlines).
	GCJ02
	// BD09 is Baidu's datum, a further offset applied on top of GCJ-02.
	BD09
)

// ParseDatum parses a datum name case-insensitively: "wgs84"/"wgs-84",
// "gcj02"/"gcj-02" or "bd09"/"bd-09". The empty string means WGS84. Any
// other value yields an error that wraps ErrInvalid and names the value.
func ParseDatum(s string) (Datum, error) {
	switch strings.ToLower(s) {
	case "", "wgs84", "wgs-84":
		return WGS84, nil
	case "gcj02", "gcj-02":
		return GCJ02, nil
	case "bd09", "bd-09":
		return BD09, nil
	}
	return WGS84, fmt.Errorf("unknown datum %q (want wgs84, gcj02 or bd09): %w", s, ErrInvalid)
}

// String returns "wgs84", "gcj02" or "bd09" (and "Datum(n)" for values
// outside the enumeration).
func (d Datum) String() string {
	switch d {
	case WGS84:
		return "wgs84"
	case GCJ02:
		return "gcj02"
	case BD09:
		return "bd09"
	}
	return fmt.Sprintf("Datum(%d)", int(d))
}

// ToWGS84 converts p from datum d to WGS-84. The GCJ-02 inverse is computed
// iteratively to better than 1e-10 degrees; BD-09 is converted via GCJ-02.
// Outside China's bounding box (and for unknown datums) p is returned
// unchanged.
func ToWGS84(d Datum, p LatLng) LatLng {
	switch d {
	case GCJ02:
		return gcjToWGS(p)
	case BD09:
		if outOfChina(p) {
			return p
		}
		return gcjToWGS(bdToGCJ(p))
	}
	return p
}

// FromWGS84 converts the WGS-84 position p to datum d. Outside China's
// bounding box (and for unknown datums) p is returned unchanged.
func FromWGS84(d Datum, p LatLng) LatLng {
	switch d {
	case GCJ02:
		return wgsToGCJ(p)
	case BD09:
		if outOfChina(p) {
			return p
		}
		return gcjToBD(wgsToGCJ(p))
	}
	return p
}
