package api

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/store/memory"
)

// countingGrids counts the point lookups that reach the store.
type countingGrids struct {
	grid.Store
	locates atomic.Int64
}

func (c *countingGrids) LocateCells(ctx context.Context, cells []h3.Cell) (string, string, error) {
	c.locates.Add(1)
	return c.Store.LocateCells(ctx, cells)
}

// TestLookupsGridsAt: the grids at a point are read from the store once
// per finest locate cell, then remembered.
func TestLookupsGridsAt(t *testing.T) {
	st := &countingGrids{Store: memory.New()}
	svc, err := grid.NewService(st, grid.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := newLookups(svc)
	p := geo.LatLng{Lat: 41.80, Lng: 123.40}
	near := geo.LatLng{Lat: 41.80 + 1e-6, Lng: 123.40} // 0.1 m away: the same finest cell
	far := geo.LatLng{Lat: 41.90, Lng: 123.40}
	for _, q := range []geo.LatLng{p, near, p, far, far} {
		if _, _, err := l.gridsAt(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	if got := st.locates.Load(); got != 2 {
		t.Errorf("store lookups: got %d, want 2 (one per place)", got)
	}
}
