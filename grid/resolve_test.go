package grid_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

func cellAt(t *testing.T, lat, lng float64, res int) h3.Cell {
	t.Helper()
	c, err := h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lng}, res)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func owner(t *testing.T, svc *grid.Service, lat, lng float64) string {
	t.Helper()
	loc, err := svc.Locate(context.Background(), geo.LatLng{Lat: lat, Lng: lng})
	if err != nil {
		t.Fatal(err)
	}
	if loc.PoliceGrid == nil {
		return ""
	}
	return loc.PoliceGrid.ID
}

func TestOverlapGoesToSmallerID(t *testing.T) {
	svc, _ := newService(t, grid.Config{})
	// b is imported first; a, overlapping half of it, comes later and wins.
	mustImport(t, svc, grid.GridImport{Kind: grid.Police, GeoJSON: collection(square("b", 41.80, 123.40, 0.02, ""))})
	rep := mustImport(t, svc, grid.GridImport{Kind: grid.Police, GeoJSON: collection(square("a", 41.80, 123.41, 0.02, ""))})
	if len(rep.Overlaps) != 1 || rep.Overlaps[0].Grids != [2]string{"a", "b"} || rep.Overlaps[0].Cells == 0 {
		t.Fatalf("overlaps: got %+v, want one a/b overlap", rep.Overlaps)
	}
	tests := []struct {
		lat, lng float64
		want     string
	}{
		{41.81, 123.405, "b"}, // b only
		{41.81, 123.415, "a"}, // both: a sorts first
		{41.81, 123.425, "a"}, // a only
		{41.81, 123.445, ""},  // neither
	}
	for _, tt := range tests {
		if got := owner(t, svc, tt.lat, tt.lng); got != tt.want {
			t.Errorf("owner(%v,%v): got %q, want %q", tt.lat, tt.lng, got, tt.want)
		}
	}
	b, err := svc.Grid(context.Background(), grid.Police, "b")
	if err != nil {
		t.Fatal(err)
	}
	cells, _ := svc.GridCells(context.Background(), grid.Police, "b")
	if b.CellCount != len(cells) {
		t.Errorf("b: CellCount %d after losing cells, %d stored", b.CellCount, len(cells))
	}
}

func TestGapBetweenNeighbours(t *testing.T) {
	svc, _ := newService(t, grid.Config{})
	// Two squares 0.003° apart (about 250 m): a sliver of uncovered cells.
	rep := mustImport(t, svc, grid.GridImport{Kind: grid.Police, GeoJSON: collection(
		square("west", 41.80, 123.40, 0.02, ""), square("east", 41.80, 123.423, 0.02, ""))})
	if rep.GapCells == 0 || len(rep.Gaps) != 1 {
		t.Fatalf("gaps: got %+v (%d cells), want one west/east gap", rep.Gaps, rep.GapCells)
	}
	if got := rep.Gaps[0].Grids; len(got) != 2 || got[0] != "east" || got[1] != "west" {
		t.Errorf("gap grids: got %v, want [east west]", got)
	}
	// Re-importing only the east grid still sees the stored west neighbour.
	rep = mustImport(t, svc, grid.GridImport{Kind: grid.Police, GeoJSON: collection(square("east", 41.80, 123.423, 0.02, ""))})
	if rep.GapCells == 0 {
		t.Errorf("re-import of east: no gap reported against the stored west grid")
	}
}

func TestReimportReplaces(t *testing.T) {
	svc, st := newService(t, grid.Config{})
	mustImport(t, svc, grid.GridImport{Kind: grid.Police, GeoJSON: collection(square("a", 41.80, 123.40, 0.02, `"name":"old"`))})
	rep := mustImport(t, svc, grid.GridImport{Kind: grid.Police, GeoJSON: collection(square("a", 41.80, 123.40, 0.01, `"name":"new"`))})
	if len(rep.Replaced) != 1 || rep.Replaced[0] != "a" {
		t.Errorf("replaced: got %v, want [a]", rep.Replaced)
	}
	g, err := svc.Grid(context.Background(), grid.Police, "a")
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "new" || g.CellCount != rep.Cells {
		t.Errorf("grid a: got name %q cells %d, want new and %d", g.Name, g.CellCount, rep.Cells)
	}
	if got := owner(t, svc, 41.815, 123.415); got != "" {
		t.Errorf("a released cell: owner %q, want none", got)
	}
	owners, _ := st.CellOwners(context.Background(), grid.Police, []h3.Cell{cellAt(t, 41.815, 123.415, 9)})
	if owners[0] != "" {
		t.Errorf("stored owner of a released cell: %q", owners[0])
	}
}

func TestOneResolutionPerKind(t *testing.T) {
	svc, _ := newService(t, grid.Config{})
	mustImport(t, svc, grid.GridImport{Kind: grid.Police, GeoJSON: collection(square("a", 41.80, 123.40, 0.02, ""))})
	_, err := svc.ImportGrids(context.Background(), grid.GridImport{Kind: grid.Police, Resolution: 8,
		GeoJSON: collection(square("b", 41.90, 123.40, 0.02, ""))})
	if !errors.Is(err, grid.ErrFailedPrecondition) {
		t.Fatalf("second resolution: got %v, want ErrFailedPrecondition", err)
	}
	// Re-importing every grid of the kind at the new resolution is allowed,
	// and community grids have their own.
	mustImport(t, svc, grid.GridImport{Kind: grid.Police, Resolution: 8, GeoJSON: collection(square("a", 41.80, 123.40, 0.02, ""))})
	mustImport(t, svc, grid.GridImport{Kind: grid.Community, Resolution: 10, GeoJSON: collection(square("c", 41.80, 123.40, 0.02, ""))})
	loc, err := svc.Locate(context.Background(), geo.LatLng{Lat: 41.81, Lng: 123.41})
	if err != nil {
		t.Fatal(err)
	}
	if loc.PoliceGrid == nil || loc.CommunityGrid == nil || loc.PoliceGrid.Resolution != 8 || loc.CommunityGrid.Resolution != 10 {
		t.Errorf("Locate: got police %+v community %+v", loc.PoliceGrid, loc.CommunityGrid)
	}
}
