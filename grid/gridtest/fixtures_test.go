package gridtest

import (
	"slices"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

// TestFixtures checks the assumptions the suite makes about its cells.
func TestFixtures(t *testing.T) {
	sy, dl := pointCells(t, shenyang), pointCells(t, dalian)
	for _, cells := range [][]h3.Cell{sy, dl} {
		var got []int
		for _, c := range cells {
			got = append(got, c.Resolution())
			if grid.ShardCell(c) != grid.ShardCell(cells[0]) {
				t.Errorf("cell %v is on another ShardCell than %v", c, cells[0])
			}
		}
		if !slices.Equal(got, lookupResolutions) {
			t.Errorf("pointCells resolutions = %v, want %v", got, lookupResolutions)
		}
	}
	if grid.ShardCell(sy[0]) == grid.ShardCell(dl[0]) {
		t.Error("Shenyang and Dalian share a ShardCell")
	}
	if n := len(disk(t, shenyang, 10, 130)); n < largeCells {
		t.Errorf("disk of the large change has %d cells, want at least %d", n, largeCells)
	}
}
