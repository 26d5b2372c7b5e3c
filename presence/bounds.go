package presence

import (
	"math"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// earthRadiusM is the sphere of geo.Haversine.
const earthRadiusM = 6371008.8

// etaBounds lets the search skip candidates that cannot make a circle
// without computing their haversine, when the model is Linear. The bounds
// bracket the distance from below and above with a few multiplications,
// and the ETA follows the model's own formula, so they bracket the ETA the
// model would compute; a candidate is only skipped when even its lower
// bound loses. Results are unchanged: the exact ETA of every candidate that
// can rank is still the model's.
type etaBounds struct {
	circuity float64
	speedMS  [4]float64 // SpeedKmh/3.6 by travel mode, as Linear.ETA divides
	mob      [8]float64 // Mobilisation seconds by responder kind
	capRad   float64    // radians of the search cap: the largest radius
}

func newETABounds(m Linear, radius [4]float64) *etaBounds {
	b := &etaBounds{circuity: m.Circuity}
	for mode := grid.Walk; mode <= grid.Car; mode++ {
		b.speedMS[mode] = m.SpeedKmh[mode] / 3.6
		b.capRad = math.Max(b.capRad, radius[mode]/earthRadiusM)
	}
	for k := range b.mob {
		b.mob[k] = m.Mobilisation[grid.ResponderKind(k)].Seconds()
	}
	return b
}

// queryBounds holds what the bounds need of one query point. Every
// candidate within the search cap lies in latitudes where cos(lat) is
// between cosMin and cosMax.
type queryBounds struct {
	lat, lng       float64 // degrees
	cosMin, cosMax float64
}

// forQuery prepares the bounds for a query at p; false if they do not
// apply (a cap reaching a pole).
func (b *etaBounds) forQuery(p geo.LatLng, qb *queryBounds) bool {
	lat := math.Abs(p.Lat) * math.Pi / 180
	if lat+b.capRad >= math.Pi/2 || b.capRad >= math.Pi/4 {
		return false
	}
	*qb = queryBounds{lat: p.Lat, lng: p.Lng, cosMin: math.Cos(lat + b.capRad), cosMax: 1}
	if lat > b.capRad {
		qb.cosMax = math.Cos(lat - b.capRad)
	}
	return true
}

// distance brackets the haversine distance from the query point to c.
// Within the cap the shortest path keeps cos(lat) ≥ cosMin, so it is at
// least as long as the straight line in the metric (dlat, cosMin·dlng);
// the straight line in the lat/lng plane is a path no longer than
// (dlat, cosMax·dlng) allows. Outside the cap the bounds may be wrong, but
// such a candidate is beyond the last circle anyway.
func (qb *queryBounds) distance(c *Candidate) (lo, hi float64) {
	const rad = math.Pi / 180
	dLat := (c.Position.Lat - qb.lat) * rad
	dLng := c.Position.Lng - qb.lng
	if dLng > 180 {
		dLng -= 360
	} else if dLng < -180 {
		dLng += 360
	}
	dLng *= rad
	lo = earthRadiusM * math.Sqrt(dLat*dLat+qb.cosMin*qb.cosMin*dLng*dLng) * (1 - 1e-9)
	hi = earthRadiusM * math.Sqrt(dLat*dLat+qb.cosMax*qb.cosMax*dLng*dLng) * (1 + 1e-9)
	return lo, hi
}

// exact returns c's ETA and distance to the target t exactly as
// Linear.ETA computes them (the same operations on the same values, so the
// same bits), without its map lookups; ok is false for a candidate the
// tables do not cover.
func (b *etaBounds) exact(t geo.Target, c *Candidate) (eta, dist float64, ok bool) {
	if c.Mode < grid.Walk || c.Mode > grid.Car || c.Kind < 0 || int(c.Kind) >= len(b.mob) {
		return 0, 0, false
	}
	d := t.From(c.Position)
	return d*b.circuity/b.speedMS[c.Mode] + b.mob[c.Kind], d, true
}

// eta brackets c's ETA under the model; ok is false for a candidate the
// tables do not cover, which is then ranked exactly.
func (b *etaBounds) eta(qb *queryBounds, c *Candidate) (lo, hi float64, ok bool) {
	if c.Mode < grid.Walk || c.Mode > grid.Car || c.Kind < 0 || int(c.Kind) >= len(b.mob) {
		return 0, 0, false
	}
	dLo, dHi := qb.distance(c)
	speed, mob := b.speedMS[c.Mode], b.mob[c.Kind]
	return dLo*b.circuity/speed + mob, dHi*b.circuity/speed + mob, true
}
