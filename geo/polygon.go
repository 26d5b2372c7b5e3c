package geo

import (
	"fmt"
	"math"
)

// Polygon is an outer ring with optional holes.
type Polygon struct {
	Outer Ring
	Holes []Ring
}

// AreaM2 returns the area in square metres on a sphere of radius 6371008.8
// m, with edges taken as great-circle arcs: the area of the outer ring minus
// the areas of the holes, independent of ring orientation. The result is
// never negative. Coordinates must be WGS-84 for a true area.
func (p Polygon) AreaM2() float64 {
	area := ringExcess(p.Outer)
	for _, h := range p.Holes {
		area -= ringExcess(h)
	}
	return math.Max(0, area) * earthRadius * earthRadius
}

// ringExcess returns the unsigned area of a ring on the unit sphere (the
// smaller of the two regions it bounds). It sums, per edge, the signed
// spherical excess of the triangle formed with the north pole, using
// tan(E/2) = t1 t2 sin Δλ / (1 + t1 t2 cos Δλ) with t = tan(colatitude/2).
func ringExcess(r Ring) float64 {
	sum := 0.0
	for k := 0; k+1 < len(r); k++ {
		t1 := math.Tan(math.Pi/4 - radians(r[k].Lat)/2)
		t2 := math.Tan(math.Pi/4 - radians(r[k+1].Lat)/2)
		dLng := math.Remainder(radians(r[k+1].Lng-r[k].Lng), 2*math.Pi)
		t := t1 * t2
		sum += 2 * math.Atan2(t*math.Sin(dLng), 1+t*math.Cos(dLng))
	}
	sum = math.Abs(sum)
	if sum > 2*math.Pi {
		sum = 4*math.Pi - sum
	}
	return sum
}

// Transform returns a new polygon with f applied to every vertex, e.g. to
// convert datums: p.Transform(func(q LatLng) LatLng { return ToWGS84(GCJ02, q) }).
func (p Polygon) Transform(f func(LatLng) LatLng) Polygon {
	out := Polygon{Outer: transformRing(p.Outer, f)}
	if p.Holes != nil {
		out.Holes = make([]Ring, len(p.Holes))
		for k, h := range p.Holes {
			out.Holes[k] = transformRing(h, f)
		}
	}
	return out
}

func transformRing(r Ring, f func(LatLng) LatLng) Ring {
	if r == nil {
		return nil
	}
	out := make(Ring, len(r))
	for k, q := range r {
		out[k] = f(q)
	}
	return out
}

// ValidatePolygon checks every ring with ValidateRing and that every hole
// lies inside the outer ring. field names the list of rings as in GeoJSON:
// the outer ring is field[0] and hole k is field[k+1]. Containment is
// decided by the first hole vertex (of up to 16) that is not on the outer
// boundary; crossings between hole and outer edges, and holes overlapping
// each other, are not checked. Like ValidateRing, it rejects as too complex
// a polygon whose containment test would take excessive work (thousands of
// holes inside a comb-like outer ring).
func ValidatePolygon(field string, p Polygon) error {
	if err := ValidateRing(indexField(field, 0), p.Outer); err != nil {
		return err
	}
	for k, h := range p.Holes {
		if err := ValidateRing(indexField(field, k+1), h); err != nil {
			return err
		}
	}
	return checkHoles(field, p)
}

// checkHoles verifies that each hole of p starts inside its outer ring.
// Point location uses a bandIndex over the outer ring; a polygon that
// would need more than the work budget is rejected as too complex.
func checkHoles(field string, p Polygon) error {
	if len(p.Holes) == 0 {
		return nil
	}
	vertices := len(p.Outer)
	for _, h := range p.Holes {
		vertices += len(h)
	}
	ix := newBandIndex(p.Outer, pairBudgetPerEdge*vertices+pairBudgetBase)
	for k, h := range p.Holes {
		outside, ok := ix.holeOutside(h)
		if !ok {
			return &FieldError{Field: field, Reason: fmt.Sprintf(
				"polygon with %d holes is too complex to check that they lie inside", len(p.Holes))}
		}
		if outside {
			return &FieldError{Field: indexField(field, k+1), Reason: "hole is not inside the outer ring"}
		}
	}
	return nil
}
