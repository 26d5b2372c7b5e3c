package geo

import (
	"fmt"
	"slices"
)

// violation is a forbidden contact between edges i < j.
type violation struct {
	i, j int
	kind contact
}

// before orders violations by edge indices so the reported one does not
// depend on how the search was organised.
func (v violation) before(o violation) bool {
	return o.kind == noContact || v.i < o.i || (v.i == o.i && v.j < o.j)
}

// adjacent reports whether edges i < j of an m-cycle share a vertex by
// construction.
func adjacent(i, j, m int) bool { return j == i+1 || (i == 0 && j == m-1) }

// checkSimple rejects forbidden contacts between non-adjacent edges and
// crossings at shared vertices.
func (r ringView) checkSimple() error {
	best, shared, ok := r.scanEdges()
	if !ok {
		return &FieldError{Field: r.field, Reason: fmt.Sprintf(
			"ring with %d edges is too complex to check for self-intersection", len(r.v))}
	}
	if best.kind != noContact {
		return &FieldError{Field: r.posField(best.i), Reason: fmt.Sprintf(
			"ring intersects itself: edge %s %s edge %s",
			r.edgeName(best.i), best.kind.verb(), r.edgeName(best.j))}
	}
	return r.checkSharedVertices(shared)
}

// scanEdges compares candidate edge pairs found through an edgeGrid. It
// returns the first violation in (i, j) order (kind noContact if none),
// the distinct vertices where the ring touches itself, and false if the
// work budget was exhausted.
func (r ringView) scanEdges() (best violation, shared []int, ok bool) {
	m := len(r.v)
	if m < 4 {
		return best, nil, true // a triangle has no non-adjacent edges
	}
	budget := pairBudgetPerEdge*m + pairBudgetBase
	boxes := make([]box, m)
	for i := range m {
		boxes[i] = edgeBox(r.v[i], r.v[r.next(i)])
	}
	g, ok := newEdgeGrid(boxes, budget)
	if !ok {
		return best, nil, false
	}
	seen := make([]bool, m) // vertices already in shared
	pairs := 0
	for c := range len(g.start) - 1 {
		items := g.items[g.start[c]:g.start[c+1]]
		pairs += len(items) * (len(items) - 1) / 2
		if pairs > budget {
			return best, nil, false
		}
		for a, i := range items {
			for _, j := range items[a+1:] {
				if !boxes[i].intersects(boxes[j]) || adjacent(int(i), int(j), m) {
					continue
				}
				best, shared = r.testPair(g, c, int(i), int(j), boxes, best, shared, seen)
			}
		}
	}
	return best, shared, true
}

// testPair classifies non-adjacent edges i < j whose boxes intersect, if
// cell c owns the pair (it contains the lower-left corner of the overlap of
// their boxes, so each pair is tested once), and folds the result into best
// and shared.
func (r ringView) testPair(g *edgeGrid, c, i, j int, boxes []box, best violation, shared []int, seen []bool) (violation, []int) {
	bi, bj := boxes[i], boxes[j]
	if g.cell(max(bi.minX, bj.minX), max(bi.minY, bj.minY)) != c {
		return best, shared
	}
	m := len(r.v)
	a, b := r.v[i], r.v[(i+1)%m]
	p, q := r.v[j], r.v[(j+1)%m]
	switch kind := classify(a, b, p, q); kind {
	case noContact:
	case vertexTouch:
		vi, vj := r.sharedVertex(i, j)
		for _, x := range [2]int{vi, vj} {
			if !seen[x] {
				seen[x] = true
				shared = append(shared, x)
			}
		}
	default:
		if v := (violation{i, j, kind}); v.before(best) {
			best = v
		}
	}
	return best, shared
}

// sharedVertex returns the indices of the common endpoint of edges i and j.
func (r ringView) sharedVertex(i, j int) (vi, vj int) {
	vi, vj = i, j
	if r.v[vi] != r.v[vj] && r.v[vi] != r.v[r.next(vj)] {
		vi = r.next(i)
	}
	if r.v[vj] != r.v[vi] {
		vj = r.next(j)
	}
	return vi, vj
}

// checkSharedVertices groups the touching vertices (distinct indices) by
// position and rejects a vertex where two passages of the ring cross.
func (r ringView) checkSharedVertices(shared []int) error {
	slices.SortFunc(shared, func(x, y int) int {
		if c := compareLatLng(r.v[x], r.v[y]); c != 0 {
			return c
		}
		return x - y
	})
	bad := -1
	for len(shared) > 0 {
		k := 1
		for k < len(shared) && r.v[shared[k]] == r.v[shared[0]] {
			k++
		}
		if r.passagesCross(shared[:k]) && (bad < 0 || shared[0] < bad) {
			bad = shared[0]
		}
		shared = shared[k:]
	}
	if bad >= 0 {
		return &FieldError{Field: r.posField(bad), Reason: "ring crosses itself at this position " +
			formatPos(r.v[bad]) + ", which it passes through more than once"}
	}
	return nil
}

func compareLatLng(a, b LatLng) int {
	if c := compareFloat(a.Lng, b.Lng); c != 0 {
		return c
	}
	return compareFloat(a.Lat, b.Lat)
}
