package geo

import "slices"

// ray is the direction from a shared vertex towards a neighbour, tagged
// with the passage (visit of the vertex) it belongs to.
type ray struct {
	to      LatLng
	passage int
}

// passagesCross reports whether the ring, which visits the same position at
// each vertex in occ, crosses itself there (or overlaps itself along an
// edge leaving it). Each visit contributes the two rays towards its
// neighbours; around the vertex, the passages do not cross exactly when the
// pairs of rays are nested like parentheses.
func (r ringView) passagesCross(occ []int) bool {
	center := r.v[occ[0]]
	rays := make([]ray, 0, 2*len(occ))
	for k, o := range occ {
		rays = append(rays, ray{r.v[r.prev(o)], k}, ray{r.v[r.next(o)], k})
	}
	slices.SortFunc(rays, func(a, b ray) int { return compareAngle(center, a.to, b.to) })
	for k := 1; k < len(rays); k++ {
		if compareAngle(center, rays[k-1].to, rays[k].to) == 0 {
			return true // two edges leave in the same direction: overlap
		}
	}
	open := make([]bool, len(occ))
	var stack []int
	for _, ry := range rays {
		switch {
		case !open[ry.passage]:
			open[ry.passage] = true
			stack = append(stack, ry.passage)
		case stack[len(stack)-1] == ry.passage:
			stack = stack[:len(stack)-1]
		default:
			return true
		}
	}
	return false
}

// compareAngle orders the directions from c to p and to q counter-clockwise
// starting from due east, exactly.
func compareAngle(c, p, q LatLng) int {
	hp, hq := halfPlane(c, p), halfPlane(c, q)
	if hp != hq {
		return hp - hq
	}
	return -orient(c, p, q)
}

// halfPlane is 0 for directions in [0°, 180°) and 1 for [180°, 360°).
func halfPlane(c, p LatLng) int {
	if p.Lat > c.Lat || (p.Lat == c.Lat && p.Lng > c.Lng) {
		return 0
	}
	return 1
}
