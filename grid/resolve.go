package grid

import (
	"context"
	"slices"
	"strings"

	"github.com/uber/h3-go/v4"
)

// Overlap reports cells claimed by two grids of one kind. Each such cell is
// given to the grid whose ID sorts first.
type Overlap struct {
	Grids  [2]string // IDs, sorted
	Cells  int
	Sample h3.Cell // the smallest such cell
}

// Gap reports uncovered cells that border two or more grids: slivers
// between neighbours that no grid claims.
type Gap struct {
	Grids  []string // the neighbouring grid IDs, sorted
	Cells  int
	Sample h3.Cell
}

// claims is the ownership the import computes: cell → winning grid ID.
type claims struct {
	owner    map[h3.Cell]string
	overlaps map[[2]string]*Overlap
}

func newClaims(n int) *claims {
	return &claims{owner: make(map[h3.Cell]string, n), overlaps: map[[2]string]*Overlap{}}
}

// claim gives c to id unless a grid with a smaller ID holds it; either way a
// second claimant is an overlap.
func (c *claims) claim(cell h3.Cell, id string) {
	prev, ok := c.owner[cell]
	if !ok || prev == id {
		c.owner[cell] = id
		return
	}
	pair := [2]string{min(prev, id), max(prev, id)}
	c.owner[cell] = pair[0]
	o := c.overlaps[pair]
	if o == nil {
		o = &Overlap{Grids: pair, Sample: cell}
		c.overlaps[pair] = o
	}
	o.Cells++
	o.Sample = min(o.Sample, cell)
}

func (c *claims) overlapList() ([]Overlap, int) {
	out := make([]Overlap, 0, len(c.overlaps))
	total := 0
	for _, o := range c.overlaps {
		out = append(out, *o)
		total += o.Cells
	}
	slices.SortFunc(out, func(a, b Overlap) int {
		return strings.Compare(a.Grids[0]+"\x00"+a.Grids[1], b.Grids[0]+"\x00"+b.Grids[1])
	})
	return out, total
}

// findGaps looks at the neighbours of every claimed cell; a neighbour that
// no grid (new or stored) owns and that touches two or more grids is a gap.
// lookup returns the stored owners of cells outside the import.
func findGaps(ctx context.Context, owner map[h3.Cell]string,
	lookup func(context.Context, []h3.Cell) ([]string, error)) ([]Gap, int, error) {
	touch := map[h3.Cell]map[string]bool{}
	var ring [7]h3.Cell
	for cell, id := range owner {
		for _, n := range neighbours(cell, ring[:0]) {
			if _, ok := owner[n]; ok {
				continue
			}
			if touch[n] == nil {
				touch[n] = map[string]bool{}
			}
			touch[n][id] = true
		}
	}
	cands := make([]h3.Cell, 0, len(touch))
	for n := range touch {
		cands = append(cands, n)
	}
	stored, err := lookup(ctx, cands)
	if err != nil {
		return nil, 0, err
	}
	if err := touchStored(ctx, owner, cands, stored, touch, lookup); err != nil {
		return nil, 0, err
	}
	return groupGaps(cands, stored, touch)
}

// touchStored adds stored grids to the neighbours of uncovered candidates
// that touch only one new grid, so that a sliver between a re-imported grid
// and a stored neighbour is reported too.
func touchStored(ctx context.Context, owner map[h3.Cell]string, cands []h3.Cell, stored []string,
	touch map[h3.Cell]map[string]bool, lookup func(context.Context, []h3.Cell) ([]string, error)) error {
	var from, around []h3.Cell
	var ring [7]h3.Cell
	for i, n := range cands {
		if stored[i] != "" || len(touch[n]) != 1 {
			continue
		}
		for _, m := range neighbours(n, ring[:0]) {
			if _, ok := owner[m]; !ok {
				from, around = append(from, n), append(around, m)
			}
		}
	}
	if len(around) == 0 {
		return nil
	}
	owners, err := lookup(ctx, around)
	if err != nil {
		return err
	}
	for i, id := range owners {
		if id != "" {
			touch[from[i]][id] = true
		}
	}
	return nil
}

func groupGaps(cands []h3.Cell, stored []string, touch map[h3.Cell]map[string]bool) ([]Gap, int, error) {
	gaps := map[string]*Gap{}
	total := 0
	for i, n := range cands {
		if stored[i] != "" || len(touch[n]) < 2 {
			continue
		}
		ids := make([]string, 0, len(touch[n]))
		for id := range touch[n] {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		key := strings.Join(ids, "\x00")
		g := gaps[key]
		if g == nil {
			g = &Gap{Grids: ids, Sample: n}
			gaps[key] = g
		}
		g.Cells++
		g.Sample = min(g.Sample, n)
		total++
	}
	out := make([]Gap, 0, len(gaps))
	for _, g := range gaps {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Gap) int {
		return strings.Compare(strings.Join(a.Grids, "\x00"), strings.Join(b.Grids, "\x00"))
	})
	return out, total, nil
}

// neighbours appends the cells adjacent to c (not c itself) to buf.
func neighbours(c h3.Cell, buf []h3.Cell) []h3.Cell {
	disk, err := c.GridDisk(1)
	if err != nil {
		return buf // not reachable for valid cells; a missing neighbour only hides a gap
	}
	for _, n := range disk {
		if n != c {
			buf = append(buf, n)
		}
	}
	return buf
}
