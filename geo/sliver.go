package geo

import "math"

// SliverM2 is the largest loop, in square metres, that a self-crossing may
// cut off for the ring to be accepted anyway. Outlines quantised to a grid
// (the Shenyang districts are rounded to 1/1024°, about 100 m) twist the
// tips of thin needles into tiny bow ties and collapse narrow necks into
// loops of up to about 18,000 m² there. A quarter of a resolution-9 H3 cell
// (0.025 km²) separates those rounding artefacts, which can move a covering
// by a cell at most, from rings that are really twisted: a bow tie of even a
// small 500 m police grid has loops of about 60,000 m².
const SliverM2 = 25_000

// maxCrossingsMeasured bounds the crossings whose loops are measured; a
// ring with more is garbage, not a rounding artefact.
const maxCrossingsMeasured = 64

// crossingLog collects the crossings a scan finds, in any order.
type crossingLog struct {
	list  []violation // up to maxCrossingsMeasured+1 of them
	total int
	first violation // the first in (i, j) order
}

func (c *crossingLog) add(v violation) {
	c.total++
	if len(c.list) <= maxCrossingsMeasured {
		c.list = append(c.list, v)
	}
	if v.before(c.first) {
		c.first = v
	}
}

// verdict returns the first forbidden crossing in (i, j) order, kind
// noContact if none. Touches and collinear overlaps are not forbidden: the
// ring touches itself but its area stays well defined. A crossing is
// forbidden unless the loop it cuts off is a sliver; past
// maxCrossingsMeasured crossings every one is.
func (c *crossingLog) verdict(r ringView) violation {
	if c.total > maxCrossingsMeasured {
		return c.first
	}
	best := violation{}
	for _, v := range c.list {
		if v.before(best) && r.loopArea(v.i, v.j) > SliverM2 {
			best = v
		}
	}
	return best
}

// loopArea returns the smaller of the two loops that crossing edges i < j
// split the ring into, in m² (local equirectangular projection).
func (r ringView) loopArea(i, j int) float64 {
	m := len(r.v)
	x := intersect(r.v[i], r.v[(i+1)%m], r.v[j], r.v[(j+1)%m])
	inner := make([]LatLng, 0, j-i+1)
	inner = append(inner, x)
	inner = append(inner, r.v[i+1:j+1]...)
	outer := make([]LatLng, 0, m-(j-i)+1)
	outer = append(outer, x)
	outer = append(outer, r.v[j+1:]...)
	outer = append(outer, r.v[:i+1]...)
	return min(planarArea(x, inner), planarArea(x, outer))
}

// intersect is the crossing point of segments ab and cd (not parallel).
func intersect(a, b, c, d LatLng) LatLng {
	den := (b.Lng-a.Lng)*(d.Lat-c.Lat) - (b.Lat-a.Lat)*(d.Lng-c.Lng)
	t := ((c.Lng-a.Lng)*(d.Lat-c.Lat) - (c.Lat-a.Lat)*(d.Lng-c.Lng)) / den
	return LatLng{Lat: a.Lat + t*(b.Lat-a.Lat), Lng: a.Lng + t*(b.Lng-a.Lng)}
}

// planarArea is the unsigned shoelace area of the closed loop pts in m²,
// projected around origin.
func planarArea(origin LatLng, pts []LatLng) float64 {
	const mPerDeg = earthRadius * math.Pi / 180
	kx := mPerDeg * math.Cos(origin.Lat*math.Pi/180)
	sum := 0.0
	for i, p := range pts {
		q := pts[(i+1)%len(pts)]
		sum += ((p.Lng-origin.Lng)*kx)*((q.Lat-origin.Lat)*mPerDeg) - ((q.Lng-origin.Lng)*kx)*((p.Lat-origin.Lat)*mPerDeg)
	}
	return math.Abs(sum) / 2
}

// vertexLoopArea returns the largest of the smaller loops that the ring's
// visits occ (sorted, distinct indices of one position) cut off: a ring
// whose passages cross at a shared vertex is accepted if every loop between
// consecutive visits is a sliver on one side.
func (r ringView) vertexLoopArea(occ []int) float64 {
	m := len(r.v)
	worst := 0.0
	for k := 0; k+1 < len(occ); k++ {
		a, b := min(occ[k], occ[k+1]), max(occ[k], occ[k+1])
		inner := r.v[a:b]
		outer := append(append([]LatLng{}, r.v[b:]...), r.v[:a]...)
		if len(outer) > m {
			outer = outer[:m]
		}
		worst = max(worst, min(planarArea(r.v[a], inner), planarArea(r.v[a], outer)))
	}
	return worst
}
