package geo

import "math"

// Work limits for the self-intersection test: cell insertions and candidate
// pairs are each capped at pairBudgetPerEdge per edge plus pairBudgetBase.
// Real outlines need a handful per edge.
const (
	pairBudgetPerEdge = 256
	pairBudgetBase    = 1 << 20
)

// maxCellsPerEdge bounds the size of the grid.
const maxCellsPerEdge = 4

// edgeGrid buckets the edges of a ring into a uniform grid over the ring's
// bounding box, stored in CSR form: the edges of cell c are
// items[start[c]:start[c+1]], in increasing order.
type edgeGrid struct {
	minX, minY, sx, sy float64 // origin and cells per degree
	nx, ny             int
	start, items       []int32
}

// newEdgeGrid builds the grid for edges with bounding boxes boxes, or
// reports false if that would take more than budget insertions.
func newEdgeGrid(boxes []box, budget int) (*edgeGrid, bool) {
	all, length := boxes[0], 0.0
	for _, b := range boxes {
		all = box{min(all.minX, b.minX), min(all.minY, b.minY), max(all.maxX, b.maxX), max(all.maxY, b.maxY)}
		length += (b.maxX - b.minX) + (b.maxY - b.minY)
	}
	w, h := all.maxX-all.minX, all.maxY-all.minY
	g := &edgeGrid{minX: all.minX, minY: all.minY}
	g.nx, g.ny = gridDims(len(boxes), w, h, length/float64(len(boxes)))
	if w > 0 {
		g.sx = float64(g.nx) / w
	}
	if h > 0 {
		g.sy = float64(g.ny) / h
	}
	if !g.fill(boxes, budget) {
		return nil, false
	}
	return g, true
}

// gridDims chooses square cells for a w × h box, about two mean edge
// extents wide but with between m and maxCellsPerEdge·m cells: a few very
// long edges (as in a comb) cannot make the cells huge, and many tiny ones
// cannot make the grid huge.
func gridDims(m int, w, h, meanExtent float64) (nx, ny int) {
	maxCells := float64(maxCellsPerEdge * m)
	lo, hi := math.Sqrt(w*h/maxCells), math.Sqrt(w*h/float64(m))
	if w == 0 || h == 0 { // all edges on one axis-parallel line
		lo, hi = math.Max(w, h)/maxCells, math.Max(w, h)/float64(m)
	}
	side := min(max(2*meanExtent, lo), hi)
	if side <= 0 {
		return 1, 1
	}
	fx := math.Min(math.Ceil(w/side), maxCells)
	fy := math.Min(math.Ceil(h/side), maxCells/math.Max(fx, 1))
	return max(1, int(fx)), max(1, int(fy))
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
func (g *edgeGrid) fill(boxes []box, budget int) bool {
	g.start = make([]int32, g.nx*g.ny+1)
	total := 0
	for _, b := range boxes {
		x0, y0, x1, y1 := g.cellRange(b)
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
	for i, b := range boxes {
		x0, y0, x1, y1 := g.cellRange(b)
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
