package gridtest

import (
	"context"
	"reflect"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
)

// testGridReplace checks that putting a grid again replaces its record and
// its whole cell list.
func testGridReplace(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	cells := disk(t, shenyang, 9, 1)
	apply(t, s, grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{gridCells(grid.Police, "P1", cells[:4]...)}})
	next := gridCells(grid.Police, "P1", cells[5])
	next.Grid.Name, next.Grid.Officer = "新网格", grid.Person{ID: "o-77", Name: "周强"}
	apply(t, s, grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{next}})
	got, err := s.Grid(ctx, grid.Police, "P1")
	if err != nil || !reflect.DeepEqual(got, next.Grid) {
		t.Errorf("Grid(Police, P1) = %+v, %v; want %+v, nil", got, err, next.Grid)
	}
	gotCells, err := s.GridCells(ctx, grid.Police, "P1")
	if err != nil || !sameCells(gotCells, next.Cells) {
		t.Errorf("GridCells(Police, P1) = %v, %v; want %v, nil", gotCells, err, next.Cells)
	}
	all, err := s.Grids(ctx, grid.Police)
	if err != nil || !reflect.DeepEqual(all, []grid.Grid{next.Grid}) {
		t.Errorf("Grids(Police) = %+v, %v; want [%+v], nil", all, err, next.Grid)
	}
}

// testOwnersOnlyFromMap checks that cell ownership changes only through
// GridChange.Owners, never as a side effect of putting a grid's cell list.
func testOwnersOnlyFromMap(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	cells := disk(t, shenyang, 9, 1)
	apply(t, s, grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{gridCells(grid.Police, "P1", cells[:3]...)},
		Owners: owning("P1", cells[:2]...)})
	apply(t, s, grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{gridCells(grid.Police, "P1", cells[3:]...)}})
	got, err := s.CellOwners(ctx, grid.Police, cells[:4])
	want := []string{"P1", "P1", "", ""}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("CellOwners after replacing P1's cells without Owners = %q, %v; want %q, nil", got, err, want)
	}
}

// testUpdateGrid checks that UpdateGrid changes the metadata only.
func testUpdateGrid(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	cells := disk(t, shenyang, 9, 1)
	orig := gridCells(grid.Police, "P1", cells...)
	apply(t, s, grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{orig}, Owners: owning("P1", cells...)})
	upd := grid.Grid{Kind: grid.Police, ID: "P1", Name: "改名网格", Unit: "210102-02",
		Officer:     grid.Person{ID: "o-2", Name: "吴敏"},
		TeamLeader:  grid.Person{ID: "t-2", Name: "郑华"},
		DeputyChief: grid.Person{},                // cleared
		Resolution:  7, CellCount: 999, AreaM2: 1, // ignored
	}
	if err := s.UpdateGrid(ctx, upd); err != nil {
		t.Fatalf("UpdateGrid: %v", err)
	}
	want := upd
	want.Resolution, want.CellCount, want.AreaM2 = orig.Grid.Resolution, orig.Grid.CellCount, orig.Grid.AreaM2
	got, err := s.Grid(ctx, grid.Police, "P1")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Grid after UpdateGrid = %+v, %v; want %+v, nil", got, err, want)
	}
	gotCells, err := s.GridCells(ctx, grid.Police, "P1")
	if err != nil || !sameCells(gotCells, cells) {
		t.Errorf("GridCells after UpdateGrid = %v, %v; want %v, nil", gotCells, err, cells)
	}
	owners, err := s.CellOwners(ctx, grid.Police, cells[:1])
	if err != nil || !reflect.DeepEqual(owners, []string{"P1"}) {
		t.Errorf("CellOwners after UpdateGrid = %q, %v; want [P1], nil", owners, err)
	}
}

// testUpdateGridNotFound checks UpdateGrid of grids that do not exist.
func testUpdateGridNotFound(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	apply(t, s, grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{gridCells(grid.Police, "P1")}})
	tests := []struct {
		name string
		g    grid.Grid
	}{
		{"unknown ID", sampleGrid(grid.Police, "P2", 0)},
		{"other kind", sampleGrid(grid.Community, "P1", 0)},
	}
	for _, tt := range tests {
		wantNotFound(t, "UpdateGrid of "+tt.name, s.UpdateGrid(ctx, tt.g))
	}
	_, err := s.Grid(ctx, grid.Community, "P1")
	wantNotFound(t, "Grid(Community, P1) after a failed UpdateGrid", err)
}
