package geo

import (
	"fmt"
	"strconv"
)

// Ring is a linear ring. As in GeoJSON it is closed: the first and last
// positions are equal.
type Ring []LatLng

// ValidateRing checks a ring, reporting a *FieldError that names field (or
// field[k] for position k of r).
//
// Every position must pass ValidateLatLng. Consecutive duplicate positions
// are ignored; what remains must have at least 4 positions, be closed (first
// == last exactly) and be simple:
//
//   - adjacent edges must not overlap collinearly (a spike that goes back on
//     itself);
//   - the ring may touch itself (visit a position twice, have a vertex on
//     another edge, or run along itself where a narrow neck collapsed), since
//     the area it bounds stays well defined, as in the "self-touching rings"
//     some validators accept;
//   - it must not cross itself, neither between edges nor at a position it
//     passes twice, except where the loop the crossing cuts off is smaller
//     than SliverM2: a rounding artefact, not a twisted ring.
//
// The exceptions exist because district outlines quantised to a grid, such
// as testdata/shenyang/districts.geojson, collapse narrow necks and twist
// needle tips into tiny loops (see SliverM2). The test is near-linear: edges
// are bucketed into a uniform grid over the ring's bounding box, and the
// orientation predicate is exact. Pathological rings that would need too
// many edge comparisons (about 256 per edge) are rejected as too complex.
func ValidateRing(field string, r Ring) error {
	for i, p := range r {
		if reason := latLngProblem(p); reason != "" {
			return &FieldError{Field: indexField(field, i), Reason: reason}
		}
	}
	return checkRing(field, dedupe(r))
}

// cleanRing is a normalised ring and, for each of its positions, the index
// of that position in the ring as received, so that errors name the
// caller's positions.
type cleanRing struct {
	pts  []LatLng
	orig []int
}

// dedupe drops consecutive duplicate positions.
func dedupe(r []LatLng) cleanRing {
	c := cleanRing{pts: make([]LatLng, 0, len(r)), orig: make([]int, 0, len(r))}
	for i, p := range r {
		if n := len(c.pts); n > 0 && c.pts[n-1] == p {
			continue
		}
		c.pts = append(c.pts, p)
		c.orig = append(c.orig, i)
	}
	return c
}

// checkRing validates a deduplicated ring whose positions are known to be
// valid.
func checkRing(field string, c cleanRing) error {
	n := len(c.pts)
	if n < 4 {
		return &FieldError{Field: field, Reason: fmt.Sprintf(
			"ring has %d positions after removing repeated ones; a closed ring needs at least 4", n)}
	}
	if c.pts[0] != c.pts[n-1] {
		return &FieldError{Field: field, Reason: fmt.Sprintf(
			"ring is not closed: first position %s differs from last %s",
			formatPos(c.pts[0]), formatPos(c.pts[n-1]))}
	}
	r := ringView{field: field, v: c.pts[:n-1], orig: c.orig}
	if err := r.checkSpikes(); err != nil {
		return err
	}
	return r.checkSimple()
}

// ringView is a closed ring seen as a cycle of m = len(v) vertices; edge i
// runs from v[i] to v[(i+1)%m]. orig has m+1 entries (the last one is the
// closing position).
type ringView struct {
	field string
	v     []LatLng
	orig  []int
}

func (r ringView) next(i int) int { return (i + 1) % len(r.v) }
func (r ringView) prev(i int) int { return (i + len(r.v) - 1) % len(r.v) }

// posField names vertex i of the cycle.
func (r ringView) posField(i int) string { return indexField(r.field, r.orig[i]) }

// edgeName renders edge i as "[12]-[13]" in the caller's indices.
func (r ringView) edgeName(i int) string {
	return "[" + strconv.Itoa(r.orig[i]) + "]-[" + strconv.Itoa(r.orig[i+1]) + "]"
}

// checkSpikes rejects a vertex where the ring goes back on itself.
func (r ringView) checkSpikes() error {
	for i := range r.v {
		if isSpike(r.v[r.prev(i)], r.v[i], r.v[r.next(i)]) {
			return &FieldError{Field: r.posField(i),
				Reason: "ring turns back on itself here (a zero-width spike): edges " +
					r.edgeName(r.prev(i)) + " and " + r.edgeName(i) + " overlap"}
		}
	}
	return nil
}
