package grid_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

func TestImportShenyang(t *testing.T) {
	if testing.Short() {
		t.Skip("covers 180,000 cells")
	}
	svc, st := newService(t, grid.Config{})
	rep := mustImport(t, svc, grid.GridImport{Kind: grid.Police, Datum: geo.GCJ02, GeoJSON: readShenyang(t)})
	if rep.Grids != 13 {
		t.Errorf("grids: got %d, want 13", rep.Grids)
	}
	if rep.Cells < 175_000 || rep.Cells > 185_000 {
		t.Errorf("cells: got %d, want about 180,000", rep.Cells)
	}
	ctx := context.Background()
	grids, err := st.Grids(ctx, grid.Police)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uint64]string{}
	sum := 0
	for _, g := range grids {
		cells, err := st.GridCells(ctx, grid.Police, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cells) != g.CellCount {
			t.Errorf("grid %s: CellCount %d, %d cells stored", g.ID, g.CellCount, len(cells))
		}
		for _, c := range cells {
			if prev, dup := seen[uint64(c)]; dup {
				t.Fatalf("cell %v in grids %s and %s", c, prev, g.ID)
			}
			seen[uint64(c)] = g.ID
		}
		sum += len(cells)
	}
	if sum != rep.Cells {
		t.Errorf("cells over all grids: got %d, report says %d", sum, rep.Cells)
	}
	// Shenhe district's centre point, as GCJ-02 map data gives it.
	p := geo.ToWGS84(geo.GCJ02, geo.LatLng{Lat: 41.796177, Lng: 123.458691})
	loc, err := svc.Locate(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if loc.PoliceGrid == nil || loc.PoliceGrid.ID != "210103" || loc.PoliceGrid.Name != "沈河区" {
		t.Errorf("Locate(Shenhe): got %+v, want grid 210103 沈河区", loc.PoliceGrid)
	}
	t.Logf("report: %d grids, %d cells, %d overlap cells, %d gap cells", rep.Grids, rep.Cells, rep.OverlapCells, rep.GapCells)
}

func TestImportBadInputChangesNothing(t *testing.T) {
	ok := square("ok", 41.80, 123.40, 0.01, "")
	cases := []struct {
		name      string
		cfg       grid.Config
		in        grid.GridImport
		wantField string
	}{
		{"latitude out of range", grid.Config{}, grid.GridImport{GeoJSON: collection(ok, square("b", 95, 123.4, 0.01, ""))}, "features[1]"},
		{"huge number", grid.Config{}, grid.GridImport{GeoJSON: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x"},"geometry":{"type":"Polygon","coordinates":[[[1e999,41],[123,41.1],[123.1,41.1],[1e999,41]]]}}]}`)}, "features"},
		{"unclosed ring", grid.Config{}, grid.GridImport{GeoJSON: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x"},"geometry":{"type":"Polygon","coordinates":[[[123,41],[123.1,41],[123.1,41.1],[123,41.1]]]}}]}`)}, "features[0]"},
		{"bow tie", grid.Config{}, grid.GridImport{GeoJSON: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x"},"geometry":{"type":"Polygon","coordinates":[[[123,41],[123.1,41.1],[123.1,41],[123,41.1],[123,41]]]}}]}`)}, "features[0]"},
		{"three positions", grid.Config{}, grid.GridImport{GeoJSON: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x"},"geometry":{"type":"Polygon","coordinates":[[[123,41],[123.1,41],[123,41]]]}}]}`)}, "features[0]"},
		{"grid over the area cap", grid.Config{MaxGridAreaKm2: 1}, grid.GridImport{GeoJSON: collection(square("big", 41.8, 123.4, 0.1, ""))}, "features[0].geometry"},
		{"cells over the cap", grid.Config{MaxCellsPerImport: 100}, grid.GridImport{GeoJSON: collection(square("big", 41.8, 123.4, 0.1, ""))}, "geojson"},
		{"unknown kind", grid.Config{}, grid.GridImport{Kind: grid.Kind(7), GeoJSON: collection(ok)}, "kind"},
		{"resolution 6", grid.Config{}, grid.GridImport{Resolution: 6, GeoJSON: collection(ok)}, "resolution"},
		{"resolution 11", grid.Config{}, grid.GridImport{Resolution: 11, GeoJSON: collection(ok)}, "resolution"},
		{"a point", grid.Config{}, grid.GridImport{GeoJSON: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x"},"geometry":{"type":"Point","coordinates":[123,41]}}]}`)}, "features[0].geometry.type"},
		{"duplicate id", grid.Config{}, grid.GridImport{GeoJSON: collection(ok, square("ok", 41.9, 123.4, 0.01, ""))}, "features[1].id"},
		{"no id", grid.Config{}, grid.GridImport{GeoJSON: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[123,41],[123.1,41],[123.1,41.1],[123,41]]]}}]}`)}, "features[0].id"},
		{"unknown unit", grid.Config{}, grid.GridImport{GeoJSON: collection(ok, square("u", 41.9, 123.4, 0.01, `"unit":"nowhere"`))}, "features[1].properties.unit"},
		{"not geojson", grid.Config{}, grid.GridImport{GeoJSON: []byte(`id,name`)}, ""},
		{"empty collection", grid.Config{}, grid.GridImport{GeoJSON: collection()}, "features"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc, st := newService(t, tc.cfg)
			if tc.in.Kind == grid.KindUnspecified {
				tc.in.Kind = grid.Police
			}
			_, err := svc.ImportGrids(context.Background(), tc.in)
			if !errors.Is(err, grid.ErrInvalid) {
				t.Fatalf("got %v, want an error matching ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.wantField) {
				t.Errorf("error %q does not name %q", err, tc.wantField)
			}
			for _, k := range grid.Kinds {
				if gs, _ := st.Grids(context.Background(), k); len(gs) != 0 {
					t.Errorf("%s grids stored after a failed import: %d", k, len(gs))
				}
			}
		})
	}
}

func TestImportValidateOnlyStoresNothing(t *testing.T) {
	svc, st := newService(t, grid.Config{})
	rep := mustImport(t, svc, grid.GridImport{Kind: grid.Police, ValidateOnly: true, GeoJSON: collection(square("a", 41.8, 123.4, 0.01, ""))})
	if rep.Grids != 1 || rep.Cells == 0 {
		t.Errorf("report: got %d grids %d cells, want 1 and some", rep.Grids, rep.Cells)
	}
	if gs, _ := st.Grids(context.Background(), grid.Police); len(gs) != 0 {
		t.Errorf("validate_only stored %d grids", len(gs))
	}
}
