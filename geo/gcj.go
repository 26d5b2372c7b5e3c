package geo

import "math"

// Parameters of the public GCJ-02 and BD-09 offset formulas.
const (
	krasovskyA  = 6378245.0              // semi-major axis of Krasovsky 1940
	krasovskyEE = 0.00669342162296594323 // its first eccentricity squared
	bdXPi       = math.Pi * 3000.0 / 180.0

	// China's bounding box; outside it GCJ-02 and BD-09 equal WGS-84.
	chinaMinLng, chinaMaxLng = 72.004, 137.8347
	chinaMinLat, chinaMaxLat = 0.8293, 55.8271

	inverseTolerance = 1e-10 // degrees
	inverseMaxIter   = 30
)

// outOfChina reports whether p lies outside the box where the offsets apply.
func outOfChina(p LatLng) bool {
	return p.Lng < chinaMinLng || p.Lng > chinaMaxLng ||
		p.Lat < chinaMinLat || p.Lat > chinaMaxLat
}

// wgsToGCJ applies the GCJ-02 offset to a WGS-84 position.
func wgsToGCJ(p LatLng) LatLng {
	if outOfChina(p) {
		return p
	}
	x, y := p.Lng-105, p.Lat-35
	dLat, dLng := gcjOffset(x, y)
	lat := radians(p.Lat)
	sin := math.Sin(lat)
	m := 1 - krasovskyEE*sin*sin
	sqrtM := math.Sqrt(m)
	// Convert the offsets from metres-ish units to degrees on the ellipsoid:
	// meridional radius of curvature for latitude, prime vertical for longitude.
	dLat = dLat * 180 / (krasovskyA * (1 - krasovskyEE) / (m * sqrtM) * math.Pi)
	dLng = dLng * 180 / (krasovskyA / sqrtM * math.Cos(lat) * math.Pi)
	return LatLng{Lat: p.Lat + dLat, Lng: p.Lng + dLng}
}

// gcjOffset evaluates the two trigonometric polynomials of GCJ-02 at
// x = lng-105, y = lat-35.
func gcjOffset(x, y float64) (dLat, dLng float64) {
	const pi = math.Pi
	common := (20*math.Sin(6*x*pi) + 20*math.Sin(2*x*pi)) * 2 / 3
	dLat = -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	dLat += common
	dLat += (20*math.Sin(y*pi) + 40*math.Sin(y/3*pi)) * 2 / 3
	dLat += (160*math.Sin(y/12*pi) + 320*math.Sin(y/30*pi)) * 2 / 3
	dLng = 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	dLng += common
	dLng += (20*math.Sin(x*pi) + 40*math.Sin(x/3*pi)) * 2 / 3
	dLng += (150*math.Sin(x/12*pi) + 300*math.Sin(x/30*pi)) * 2 / 3
	return dLat, dLng
}

// gcjToBD applies the BD-09 transform to a GCJ-02 position.
func gcjToBD(p LatLng) LatLng {
	x, y := p.Lng, p.Lat
	z := math.Sqrt(x*x+y*y) + 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) + 0.000003*math.Cos(x*bdXPi)
	return LatLng{Lat: z*math.Sin(theta) + 0.006, Lng: z*math.Cos(theta) + 0.0065}
}

// gcjToWGS inverts wgsToGCJ iteratively.
func gcjToWGS(p LatLng) LatLng { return invert(wgsToGCJ, p) }

// bdToGCJ inverts gcjToBD iteratively (the closed-form approximation that
// circulates is only good to about a metre).
func bdToGCJ(p LatLng) LatLng { return invert(gcjToBD, p) }

// invert solves forward(x) == target for x by fixed-point iteration
// x -= forward(x) - target, which converges quickly because forward is the
// identity plus a small, slowly varying offset. It stops when the residual
// is below inverseTolerance degrees or after inverseMaxIter steps.
func invert(forward func(LatLng) LatLng, target LatLng) LatLng {
	x := target
	for range inverseMaxIter {
		f := forward(x)
		dLat, dLng := f.Lat-target.Lat, f.Lng-target.Lng
		if math.Abs(dLat) < inverseTolerance && math.Abs(dLng) < inverseTolerance {
			break
		}
		x.Lat -= dLat
		x.Lng -= dLng
	}
	return x
}
