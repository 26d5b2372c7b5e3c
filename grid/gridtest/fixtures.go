package gridtest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

// Points of the fixtures: one in Heping District, Shenyang, and one in
// Dalian, on another ShardCell.
var (
	shenyang = h3.LatLng{Lat: 41.7962, Lng: 123.4510}
	dalian   = h3.LatLng{Lat: 38.9140, Lng: 121.6147}
)

// lookupResolutions are the resolutions of LocateCells's cells, in order.
var lookupResolutions = []int{10, 9, 8, 7}

// pointCells returns the cells of p at resolutions 10, 9, 8 and 7, as the
// point lookup passes them to LocateCells.
func pointCells(t *testing.T, p h3.LatLng) []h3.Cell {
	t.Helper()
	c10 := cellAt(t, p, 10)
	cells := []h3.Cell{c10}
	for _, res := range lookupResolutions[1:] {
		parent, err := c10.Parent(res)
		if err != nil {
			t.Fatalf("parent at res %d of %v: %v", res, c10, err)
		}
		cells = append(cells, parent)
	}
	return cells
}

// cellAt returns the cell of p at res.
func cellAt(t *testing.T, p h3.LatLng, res int) h3.Cell {
	t.Helper()
	c, err := h3.LatLngToCell(p, res)
	if err != nil {
		t.Fatalf("LatLngToCell(%v, %d): %v", p, res, err)
	}
	return c
}

// disk returns the cells within k steps of p's cell at res.
func disk(t *testing.T, p h3.LatLng, res, k int) []h3.Cell {
	t.Helper()
	cells, err := h3.GridDisk(cellAt(t, p, res), k)
	if err != nil {
		t.Fatalf("GridDisk: %v", err)
	}
	return cells
}

// sampleGrid returns a grid with every field set.
func sampleGrid(kind grid.Kind, id string, cells int) grid.Grid {
	return grid.Grid{
		Kind:        kind,
		ID:          id,
		Name:        "南市场" + id + "网格",
		Unit:        "210102-01",
		Officer:     grid.Person{ID: "o-" + id, Name: "李明"},
		TeamLeader:  grid.Person{ID: "t-" + id, Name: "王芳"},
		DeputyChief: grid.Person{ID: "d-" + id, Name: "赵刚"},
		Resolution:  9,
		CellCount:   cells,
		AreaM2:      105_332.123456789 * float64(cells),
	}
}

// gridCells pairs a sample grid with its cells.
func gridCells(kind grid.Kind, id string, cells ...h3.Cell) grid.GridCells {
	return grid.GridCells{Grid: sampleGrid(kind, id, len(cells)), Cells: cells}
}

// owning returns an Owners map giving every cell to id.
func owning(id string, cells ...h3.Cell) map[h3.Cell]string {
	m := make(map[h3.Cell]string, len(cells))
	for _, c := range cells {
		m[c] = id
	}
	return m
}

// apply applies ch and fails the test on error.
func apply(t *testing.T, s grid.Store, ch grid.GridChange) {
	t.Helper()
	if err := s.ApplyGridChange(context.Background(), ch); err != nil {
		t.Fatalf("ApplyGridChange(%v, %d grids, %d owners): %v",
			ch.Kind, len(ch.Grids), len(ch.Owners), err)
	}
}

// wantNotFound fails the test unless err wraps grid.ErrNotFound.
func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, grid.ErrNotFound) {
		t.Errorf("%s error = %v, want one wrapping ErrNotFound", what, err)
	}
}

// sortedCells returns a sorted copy of cells.
func sortedCells(cells []h3.Cell) []h3.Cell {
	out := slices.Clone(cells)
	slices.Sort(out)
	return out
}

// sameCells reports whether a and b hold the same cells, in any order.
func sameCells(a, b []h3.Cell) bool {
	return slices.Equal(sortedCells(a), sortedCells(b))
}
