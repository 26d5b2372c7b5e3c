package redis_test

import (
	"context"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

// BenchmarkLocateCells measures the engine's half of a point lookup: one
// LocateCells of a Shenyang point whose res-9 cell has a police grid and
// whose res-10 cell has a community grid.
func BenchmarkLocateCells(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	c10 := cellOf(b, shenyang, 10)
	cells := []h3.Cell{c10}
	for _, res := range []int{9, 8, 7} {
		p, err := c10.Parent(res)
		if err != nil {
			b.Fatal(err)
		}
		cells = append(cells, p)
	}
	for kind, c := range map[grid.Kind]h3.Cell{grid.Police: cells[1], grid.Community: cells[0]} {
		if err := s.ApplyGridChange(ctx, grid.GridChange{Kind: kind, Owners: map[h3.Cell]string{c: "G"}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		p, c, err := s.LocateCells(ctx, cells)
		if err != nil || p != "G" || c != "G" {
			b.Fatalf("LocateCells = %q, %q, %v", p, c, err)
		}
	}
}
