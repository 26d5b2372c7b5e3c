package geo

import "math"

// Work limits for the self-intersection test: cell insertions and candidate
// pairs are each capped at pairBudgetPerEdge per edge plus pairBudgetBase.
// Real outlines need a handful per edge.
const (
	pairBudgetPerEdge = 256
	pairBudgetBase    = 1 << 20
)

// edgeGrid buckets the edges of a ring into a uniform grid of about one
// cell per edge over the ring's bounding box, stored in CSR form: the edges
// of cell c are items[start[c]:start[c+1]], in increasing order.
type edgeGrid struct {
	minX, minY, sx, sy float64 // origin and cells per degree
	nx, ny             int
	start, items       []int32
}

// newEdgeGrid builds the grid, or reports false if that would take more
// than budget insertions.
func newEdgeGrid(v []LatLng, budget int) (*edgeGrid, bool) {
	bb := edgeBox(v[0], v[0])
	for _, p := range v {
		bb = box{math.Min(bb.minX, p.Lng), math.Min(bb.minY, p.Lat),
			math.Max(bb.maxX, p.Lng), math.Max(bb.maxY, p.Lat)}
	}
	w, h := bb.maxX-bb.minX, bb.maxY-bb.minY
	g := &edgeGrid{minX: bb.minX, minY: bb.minY}
	g.nx, g.ny = gridDims(len(v), w, h)
	if w > 0 {
		g.sx = float64(g.nx) / w
	}
	if h > 0 {
		g.sy = float64(g.ny) / h
	}
	if !g.fill(v, budget) {
		return nil, false
	}
	return g, true
}

// gridDims chooses roughly square cells, about m of them.
func gridDims(m int, w, h float64) (nx, ny int) {
	switch {
	case w == 0 && h == 0:
		return 1, 1
	case w == 0:
		return 1, m
	case h == 0:
		return m, 1
	}
	fx := math.Sqrt(float64(m) * w / h)
	nx = int(math.Min(math.Max(fx, 1), float64(m)))
	ny = max(1, min(m, (m+nx-1)/nx))
	return nx, ny
}

// cellRange returns the inclusive cell ranges covered by box b.
func (g *edgeGrid) cellRange(b box) (x0, y0, x1, y1 int) {
	x0, y0 = g.cellXY(b.minX, b.minY)
	x1, y1 = g.cellXY(b.maxX, b.maxY)
	return x0, y0, x1, y1
}

// cellXY maps a point to its cell; the mapping is monotone in each axis.
func (g *edgeGrid) cellXY(x, y float64) (int, int) {
	cx := min(max(int((x-g.minX)*g.sx), 0), g.nx-1)
	cy := min(max(int((y-g.minY)*g.sy), 0), g.ny-1)
	return cx, cy
}

func (g *edgeGrid) cell(x, y float64) int {
	cx, cy := g.cellXY(x, y)
	return cy*g.nx + cx
}

// fill inserts every edge into the cells its bounding box covers.
func (g *edgeGrid) fill(v []LatLng, budget int) bool {
	m := len(v)
	g.start = make([]int32, g.nx*g.ny+1)
	total := 0
	for i := range m {
		x0, y0, x1, y1 := g.cellRange(edgeBox(v[i], v[(i+1)%m]))
		total += (x1 - x0 + 1) * (y1 - y0 + 1)
		if total > budget {
			return false
		}
		for cy := y0; cy <= y1; cy++ {
			for cx := x0; cx <= x1; cx++ {
				g.start[cy*g.nx+cx+1]++
			}
		}
	}
	for c := 1; c < len(g.start); c++ {
		g.start[c] += g.start[c-1]
	}
	g.items = make([]int32, total)
	next := append([]int32(nil), g.start[:len(g.start)-1]...)
	for i := range m {
		x0, y0, x1, y1 := g.cellRange(edgeBox(v[i], v[(i+1)%m]))
		for cy := y0; cy <= y1; cy++ {
			for cx := x0; cx <= x1; cx++ {
				c := cy*g.nx + cx
				g.items[next[c]] = int32(i)
				next[c]++
			}
		}
	}
	return true
}
