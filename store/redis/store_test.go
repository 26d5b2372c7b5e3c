package redis_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

// TestInvalidKind checks that the unspecified kind, which has no keys, is
// invalid input.
func TestInvalidKind(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	tests := []struct {
		name string
		err  error
	}{
		{"ApplyGridChange", s.ApplyGridChange(ctx, grid.GridChange{})},
		{"UpdateGrid", s.UpdateGrid(ctx, grid.Grid{ID: "G"})},
		{"Grid", second(s.Grid(ctx, grid.KindUnspecified, "G"))},
		{"Grids", second(s.Grids(ctx, grid.KindUnspecified))},
		{"GridCells", second(s.GridCells(ctx, grid.KindUnspecified, "G"))},
		{"CellOwners", second(s.CellOwners(ctx, grid.KindUnspecified, []h3.Cell{1}))},
		{"grid of another kind", s.ApplyGridChange(ctx, grid.GridChange{Kind: grid.Police,
			Grids: []grid.GridCells{{Grid: grid.Grid{Kind: grid.Community, ID: "G"}}}})},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, grid.ErrInvalid) {
			t.Errorf("%s error = %v, want one wrapping ErrInvalid", tt.name, tt.err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestUpdateGridConcurrent updates grids of one hash at once; the
// compare-and-set must lose no update and fail none.
func TestUpdateGridConcurrent(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	const n, rounds = 8, 10
	var ch grid.GridChange
	ch.Kind = grid.Police
	for i := range n {
		ch.Grids = append(ch.Grids, grid.GridCells{Grid: grid.Grid{Kind: grid.Police, ID: fmt.Sprint("G", i), CellCount: i}})
	}
	if err := s.ApplyGridChange(ctx, ch); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			for r := range rounds {
				g := grid.Grid{Kind: grid.Police, ID: fmt.Sprint("G", i), Name: fmt.Sprint("round ", r)}
				if err := s.UpdateGrid(ctx, g); err != nil {
					t.Errorf("UpdateGrid(%s): %v", g.ID, err)
				}
			}
		})
	}
	wg.Wait()
	for i := range n {
		g, err := s.Grid(ctx, grid.Police, fmt.Sprint("G", i))
		want := fmt.Sprint("round ", rounds-1)
		if err != nil || g.Name != want || g.CellCount != i {
			t.Errorf("Grid(G%d) = %+v, %v; want name %q, CellCount %d", i, g, err, want, i)
		}
	}
}
