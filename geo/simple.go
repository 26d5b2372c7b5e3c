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

// edgeScan holds the state of one self-intersection scan.
type edgeScan struct {
	r      ringView
	g      *edgeGrid
	boxes  []box
	shared []int  // distinct vertices where the ring touches itself
	seen   []bool // vertices already in shared
	cross  crossingLog
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
	s := edgeScan{r: r, boxes: make([]box, m), seen: make([]bool, m)}
	for i := range m {
		s.boxes[i] = edgeBox(r.v[i], r.v[r.next(i)])
	}
	if s.g, ok = newEdgeGrid(s.boxes, budget); !ok {
		return best, nil, false
	}
	pairs := 0
	for c := range len(s.g.start) - 1 {
		items := s.g.items[s.g.start[c]:s.g.start[c+1]]
		pairs += len(items) * (len(items) - 1) / 2
		if pairs > budget {
			return best, nil, false
		}
		for a, i := range items {
			for _, j := range items[a+1:] {
				s.pair(c, int(i), int(j))
			}
		}
	}
	return s.cross.verdict(r), s.shared, true
}

// pair classifies edges i < j if they are not adjacent, their boxes
// intersect, and cell c owns the pair (it contains the lower-left corner of
// the overlap of their boxes, so each pair is classified once).
func (s *edgeScan) pair(c, i, j int) {
	bi, bj := s.boxes[i], s.boxes[j]
	m := len(s.r.v)
	if !bi.intersects(bj) || adjacent(i, j, m) || s.g.cell(max(bi.minX, bj.minX), max(bi.minY, bj.minY)) != c {
		return
	}
	v := s.r.v
	switch kind := classify(v[i], v[(i+1)%m], v[j], v[(j+1)%m]); kind {
	case noContact:
	case vertexTouch:
		vi, vj := s.r.sharedVertex(i, j)
		for _, x := range [2]int{vi, vj} {
			if !s.seen[x] {
				s.seen[x] = true
				s.shared = append(s.shared, x)
			}
		}
	case crosses:
		s.cross.add(violation{i, j, kind})
	}
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
		if r.passagesCross(shared[:k]) && r.vertexLoopArea(shared[:k]) > SliverM2 && (bad < 0 || shared[0] < bad) {
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
