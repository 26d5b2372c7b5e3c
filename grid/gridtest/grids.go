package gridtest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
)

// RunGridStoreTests checks the GridStore contract.
func RunGridStoreTests(t *testing.T, newStore func(t *testing.T) grid.Store) {
	runAll(t, newStore, []test{
		{"RoundTrip", testGridsRoundTrip},
		{"KindsApart", testGridKindsApart},
		{"NotFound", testGridNotFound},
		{"Empty", testGridsEmpty},
		{"ReplaceGrid", testGridReplace},
		{"OwnersOnlyFromOwnersMap", testOwnersOnlyFromMap},
		{"UpdateGrid", testUpdateGrid},
		{"UpdateGridNotFound", testUpdateGridNotFound},
		{"SetAndClearOwners", testSetAndClearOwners},
		{"CellOwnersOrder", testCellOwnersOrder},
		{"OwnerKindsApart", testOwnerKindsApart},
		{"LocateCells", testLocateCells},
		{"LocateClearedCell", testLocateCleared},
		{"ShardsInOneChange", testShardsInOneChange},
		{"LargeChange", testLargeChange},
		{"Concurrent", testConcurrent},
		{"Canceled", func(t *testing.T, newStore newStoreFunc) { testCanceled(t, newStore, gridCalls(t)) }},
	})
}

// gridCalls are the GridStore methods for the cancellation test.
func gridCalls(t *testing.T) []call {
	cells := pointCells(t, shenyang)
	ch := grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{gridCells(grid.Police, "P1", cells[1])},
		Owners: owning("P1", cells[1])}
	return []call{
		{"ApplyGridChange", func(ctx context.Context, s grid.Store) error { return s.ApplyGridChange(ctx, ch) }},
		{"UpdateGrid", func(ctx context.Context, s grid.Store) error {
			return s.UpdateGrid(ctx, sampleGrid(grid.Police, "P1", 1))
		}},
		{"Grid", func(ctx context.Context, s grid.Store) error { _, err := s.Grid(ctx, grid.Police, "P1"); return err }},
		{"Grids", func(ctx context.Context, s grid.Store) error { _, err := s.Grids(ctx, grid.Police); return err }},
		{"GridCells", func(ctx context.Context, s grid.Store) error {
			_, err := s.GridCells(ctx, grid.Police, "P1")
			return err
		}},
		{"CellOwners", func(ctx context.Context, s grid.Store) error {
			_, err := s.CellOwners(ctx, grid.Police, cells)
			return err
		}},
		{"LocateCells", func(ctx context.Context, s grid.Store) error { _, _, err := s.LocateCells(ctx, cells); return err }},
		{"Ping", func(ctx context.Context, s grid.Store) error { return s.Ping(ctx) }},
	}
}

func testGridsRoundTrip(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	cells := disk(t, shenyang, 9, 1)
	p1, p2 := gridCells(grid.Police, "P1", cells[:3]...), gridCells(grid.Police, "P2", cells[3:]...)
	c1 := gridCells(grid.Community, "C1", cells...)
	apply(t, s, grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{p2, p1}})
	apply(t, s, grid.GridChange{Kind: grid.Community, Grids: []grid.GridCells{c1}})
	for _, want := range []grid.GridCells{p1, p2, c1} {
		got, err := s.Grid(ctx, want.Grid.Kind, want.Grid.ID)
		if err != nil || !reflect.DeepEqual(got, want.Grid) {
			t.Errorf("Grid(%v, %q) = %+v, %v; want %+v, nil", want.Grid.Kind, want.Grid.ID, got, err, want.Grid)
		}
		gotCells, err := s.GridCells(ctx, want.Grid.Kind, want.Grid.ID)
		if err != nil || !sameCells(gotCells, want.Cells) {
			t.Errorf("GridCells(%v, %q) = %v, %v; want %v, nil", want.Grid.Kind, want.Grid.ID, gotCells, err, want.Cells)
		}
	}
	tests := []struct {
		kind grid.Kind
		want []grid.Grid
	}{
		{grid.Police, []grid.Grid{p1.Grid, p2.Grid}},
		{grid.Community, []grid.Grid{c1.Grid}},
	}
	for _, tt := range tests {
		got, err := s.Grids(ctx, tt.kind)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Grids(%v) = %+v, %v; want %+v, nil", tt.kind, got, err, tt.want)
		}
	}
}

// testGridKindsApart checks that the kinds are separate namespaces.
func testGridKindsApart(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	cells := pointCells(t, shenyang)
	police, community := gridCells(grid.Police, "G1", cells[1]), gridCells(grid.Community, "G1", cells[0])
	community.Grid.Name = "社区网格"
	apply(t, s, grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{police}})
	apply(t, s, grid.GridChange{Kind: grid.Community, Grids: []grid.GridCells{community}})
	for _, want := range []grid.GridCells{police, community} {
		got, err := s.Grid(ctx, want.Grid.Kind, "G1")
		if err != nil || !reflect.DeepEqual(got, want.Grid) {
			t.Errorf("Grid(%v, G1) = %+v, %v; want %+v, nil", want.Grid.Kind, got, err, want.Grid)
		}
		gotCells, err := s.GridCells(ctx, want.Grid.Kind, "G1")
		if err != nil || !sameCells(gotCells, want.Cells) {
			t.Errorf("GridCells(%v, G1) = %v, %v; want %v, nil", want.Grid.Kind, gotCells, err, want.Cells)
		}
	}
	apply(t, s, grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{gridCells(grid.Police, "P9")}})
	_, err := s.Grid(ctx, grid.Community, "P9")
	wantNotFound(t, "Grid(Community, P9) of a police grid", err)
}

func testGridNotFound(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	_, err := s.Grid(ctx, grid.Police, "P1")
	wantNotFound(t, "Grid on an empty store", err)
	apply(t, s, grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{gridCells(grid.Police, "P1")}})
	_, err = s.Grid(ctx, grid.Police, "P2")
	wantNotFound(t, "Grid(Police, P2)", err)
	// GridCells of an unknown grid: the contract says nothing, so accept no
	// cells or ErrNotFound, but nothing else.
	cells, err := s.GridCells(ctx, grid.Police, "P2")
	if len(cells) != 0 || (err != nil && !errors.Is(err, grid.ErrNotFound)) {
		t.Errorf("GridCells(Police, P2) = %v, %v; want none, nil or ErrNotFound", cells, err)
	}
}

func testGridsEmpty(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	apply(t, s, grid.GridChange{Kind: grid.Police})
	for _, kind := range grid.Kinds {
		got, err := s.Grids(ctx, kind)
		if err != nil || len(got) != 0 {
			t.Errorf("Grids(%v) on an empty store = %+v, %v; want none, nil", kind, got, err)
		}
	}
	owners, err := s.CellOwners(ctx, grid.Police, nil)
	if err != nil || len(owners) != 0 {
		t.Errorf("CellOwners(Police, nil) = %q, %v; want none, nil", owners, err)
	}
}
