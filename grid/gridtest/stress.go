package gridtest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

// testShardsInOneChange applies one change whose cells lie on two
// ShardCells (Shenyang and Dalian).
func testShardsInOneChange(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	sy, dl := pointCells(t, shenyang), pointCells(t, dalian)
	if grid.ShardCell(sy[0]) == grid.ShardCell(dl[0]) {
		t.Fatalf("fixture: Shenyang and Dalian share ShardCell %v", grid.ShardCell(sy[0]))
	}
	apply(t, s, grid.GridChange{Kind: grid.Police,
		Grids:  []grid.GridCells{gridCells(grid.Police, "SY", sy[1]), gridCells(grid.Police, "DL", dl[1])},
		Owners: map[h3.Cell]string{sy[1]: "SY", dl[1]: "DL"}})
	got, err := s.CellOwners(ctx, grid.Police, []h3.Cell{dl[1], sy[1], dl[0]})
	if want := []string{"DL", "SY", ""}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("CellOwners = %q, %v; want %q, nil", got, err, want)
	}
	for _, tt := range []struct {
		name  string
		cells []h3.Cell
		want  string
	}{{"Shenyang", sy, "SY"}, {"Dalian", dl, "DL"}} {
		p, c, err := s.LocateCells(ctx, tt.cells)
		if err != nil || p != tt.want || c != "" {
			t.Errorf("LocateCells(%s) = %q, %q, %v; want %q, \"\", nil", tt.name, p, c, err, tt.want)
		}
	}
}

// largeCells is the size of the large change.
const largeCells = 50_000

// testLargeChange applies and reads back a grid of 50,000 cells, then
// clears them all.
func testLargeChange(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	cells := disk(t, shenyang, 10, 130)[:largeCells]
	apply(t, s, grid.GridChange{Kind: grid.Police,
		Grids:  []grid.GridCells{gridCells(grid.Police, "BIG", cells...)},
		Owners: owning("BIG", cells...)})
	gotCells, err := s.GridCells(ctx, grid.Police, "BIG")
	if err != nil || !sameCells(gotCells, cells) {
		t.Errorf("GridCells(BIG) = %d cells, %v; want the %d put, nil", len(gotCells), err, len(cells))
	}
	wantOwners(t, s, cells, "BIG")
	if p, _, err := s.LocateCells(ctx, pointCells(t, shenyang)); err != nil || p != "BIG" {
		t.Errorf("LocateCells = %q, %v; want \"BIG\", nil", p, err)
	}
	apply(t, s, grid.GridChange{Kind: grid.Police, Owners: owning("", cells...)})
	wantOwners(t, s, cells, "")
}

// wantOwners checks that every cell's police owner is id.
func wantOwners(t *testing.T, s grid.Store, cells []h3.Cell, id string) {
	t.Helper()
	owners, err := s.CellOwners(context.Background(), grid.Police, cells)
	if err != nil || len(owners) != len(cells) {
		t.Fatalf("CellOwners of %d cells = %d owners, %v", len(cells), len(owners), err)
	}
	for i, o := range owners {
		if o != id {
			t.Fatalf("CellOwners: cell %d (%v) owner %q, want %q", i, cells[i], o, id)
		}
	}
}

// Sizes of the concurrency test.
const (
	writers = 8
	rounds  = 5
	readers = 4
)

// testConcurrent has writers apply changes to their own grids while readers
// locate, then checks the final ownership.
func testConcurrent(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	cells := disk(t, shenyang, 10, 10)
	parts := make([][]h3.Cell, writers)
	for i, c := range cells {
		parts[i%writers] = append(parts[i%writers], c)
	}
	stop := make(chan struct{})
	point := pointCells(t, shenyang) // its res-10 cell is cells[0], always W0's
	var readersDone sync.WaitGroup
	for range readers {
		readersDone.Go(func() { readUntil(t, s, point, "W0", stop) })
	}
	var writersDone sync.WaitGroup
	for w := range writers {
		writersDone.Go(func() { writeRounds(t, s, fmt.Sprintf("W%d", w), parts[w]) })
	}
	writersDone.Wait()
	close(stop)
	readersDone.Wait()
	for w, part := range parts {
		wantOwners(t, s, part, fmt.Sprintf("W%d", w))
	}
}

// writeRounds applies changes giving cells to grid id, shrinking and
// growing its share; the last round gives it all of them.
func writeRounds(t *testing.T, s grid.Store, id string, cells []h3.Cell) {
	for r := range rounds {
		n := len(cells) - (rounds-1-r)%2
		owners := owning(id, cells[:n]...)
		for _, c := range cells[n:] {
			owners[c] = ""
		}
		ch := grid.GridChange{Kind: grid.Police, Grids: []grid.GridCells{gridCells(grid.Police, id, cells[:n]...)},
			Owners: owners}
		if err := s.ApplyGridChange(context.Background(), ch); err != nil {
			t.Errorf("%s round %d: ApplyGridChange: %v", id, r, err)
			return
		}
	}
}

// readUntil locates cells until stop is closed; the police owner must be
// none (not yet written) or owner.
func readUntil(t *testing.T, s grid.Store, cells []h3.Cell, owner string, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		p, _, err := s.LocateCells(context.Background(), cells)
		if err != nil || (p != "" && p != owner) {
			t.Errorf("LocateCells = %q, %v; want \"\" or %q, nil", p, err, owner)
			return
		}
		if _, err := s.CellOwners(context.Background(), grid.Police, cells); err != nil {
			t.Errorf("CellOwners: %v", err)
			return
		}
	}
}
