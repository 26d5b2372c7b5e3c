package api

import (
	"context"
	"math"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

type importReq = gridwatchv1.ImportGridsRequest

// checkCase is a request that a check…Request function must reject with
// INVALID_ARGUMENT naming field.
type checkCase struct {
	name  string
	call  func(ctx context.Context, e *env) error
	field string
}

func locate(p *gridwatchv1.LatLng, d gridwatchv1.Datum) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		_, err := e.grids.LocatePoint(ctx, &gridwatchv1.LocatePointRequest{Point: p, Datum: d})
		return err
	}
}

// importGrids imports threeGrids as police grids after edit changes the
// request.
func importGrids(edit func(r *gridwatchv1.ImportGridsRequest)) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		req := &gridwatchv1.ImportGridsRequest{Kind: gridwatchv1.GridKind_GRID_KIND_POLICE, Geojson: threeGrids}
		edit(req)
		_, err := e.grids.ImportGrids(ctx, req)
		return err
	}
}

func getGrid(name string) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		_, err := e.grids.GetGrid(ctx, &gridwatchv1.GetGridRequest{Name: name})
		return err
	}
}

func listGrids(req *gridwatchv1.ListGridsRequest) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		_, err := e.grids.ListGrids(ctx, req)
		return err
	}
}

func updateGrid(g *gridwatchv1.Grid, paths ...string) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		_, err := e.grids.UpdateGrid(ctx, &gridwatchv1.UpdateGridRequest{Grid: g, UpdateMask: &fieldmaskpb.FieldMask{Paths: paths}})
		return err
	}
}

func TestCheckGridServiceRequests(t *testing.T) {
	police := gridwatchv1.GridKind_GRID_KIND_POLICE
	unitsToken := encodePageToken(units, "x")
	grid := &gridwatchv1.Grid{Name: "policeGrids/a"}
	runCheckCases(t, []checkCase{
		{"NaN latitude", locate(&gridwatchv1.LatLng{Latitude: math.NaN(), Longitude: 123.4}, 0), "point.latitude"},
		{"latitude 91", locate(&gridwatchv1.LatLng{Latitude: 91, Longitude: 123.4}, 0), "point.latitude"},
		{"infinite longitude", locate(&gridwatchv1.LatLng{Latitude: 41.8, Longitude: math.Inf(1)}, 0), "point.longitude"},
		{"longitude -181", locate(&gridwatchv1.LatLng{Latitude: 41.8, Longitude: -181}, 0), "point.longitude"},
		{"no point", locate(nil, 0), "point"},
		{"locate datum 99", locate(&gridwatchv1.LatLng{Latitude: 41.8, Longitude: 123.4}, 99), "datum"},
		{"import kind unset", importGrids(func(r *importReq) { r.Kind = 0 }), "kind"},
		{"import kind 7", importGrids(func(r *importReq) { r.Kind = 7 }), "kind"},
		{"import datum 99", importGrids(func(r *importReq) { r.Datum = 99 }), "datum"},
		{"resolution 6", importGrids(func(r *importReq) { r.Resolution = 6 }), "resolution"},
		{"resolution 11", importGrids(func(r *importReq) { r.Resolution = 11 }), "resolution"},
		{"resolution -1", importGrids(func(r *importReq) { r.Resolution = -1 }), "resolution"},
		{"no geojson", importGrids(func(r *importReq) { r.Geojson = "" }), "geojson"},
		{"geojson over the cap", importGrids(func(r *importReq) { r.Geojson = strings.Repeat(" ", testMaxImportBytes+1) }), "geojson"},
		{"default unit not a unit name", importGrids(func(r *importReq) { r.DefaultUnit = "hp-st" }), "default_unit"},
		{"no name", getGrid(""), "name"},
		{"unit name for a grid", getGrid("units/a"), "name"},
		{"empty id", getGrid("policeGrids/"), "name"},
		{"id with a slash", getGrid("policeGrids/a/b"), "name"},
		{"id with a space", getGrid("communityGrids/a b"), "name"},
		{"id of 129 bytes", getGrid("policeGrids/" + strings.Repeat("x", 129)), "name"},
		{"wrong case of collection", getGrid("PoliceGrids/a"), "name"},
		{"list kind unset", listGrids(&gridwatchv1.ListGridsRequest{}), "kind"},
		{"page_size -1", listGrids(&gridwatchv1.ListGridsRequest{Kind: police, PageSize: -1}), "page_size"},
		{"malformed page token", listGrids(&gridwatchv1.ListGridsRequest{Kind: police, PageToken: "%%%"}), "page_token"},
		{"page token of units", listGrids(&gridwatchv1.ListGridsRequest{Kind: police, PageToken: unitsToken}), "page_token"},
		{"update without grid", updateGrid(nil, "display_name"), "grid"},
		{"update bad name", updateGrid(&gridwatchv1.Grid{Name: "grids/a"}, "display_name"), "grid.name"},
		{"update bad unit", updateGrid(&gridwatchv1.Grid{Name: "policeGrids/a", Unit: "hp-st"}, "unit"), "grid.unit"},
		{"update cell_count", updateGrid(grid, "cell_count"), "update_mask"},
		{"update name", updateGrid(grid, "name"), "update_mask"},
		{"update camelCase path", updateGrid(grid, "displayName"), "update_mask"},
		{"update unit subfield", updateGrid(grid, "unit.id"), "update_mask"},
		{"update unknown person subfield", updateGrid(grid, "officer.phone"), "update_mask"},
		{"update * with another path", updateGrid(grid, "*", "unit"), "update_mask"},
	})
}

func TestCheckUnitRequests(t *testing.T) {
	runCheckCases(t, []checkCase{
		{"units from GeoJSON", func(ctx context.Context, e *env) error {
			_, err := e.grids.ImportUnits(ctx, &gridwatchv1.ImportUnitsRequest{Format: gridwatchv1.ImportFormat_IMPORT_FORMAT_GEOJSON, Data: testUnits})
			return err
		}, "format"},
		{"units format 9", func(ctx context.Context, e *env) error {
			_, err := e.grids.ImportUnits(ctx, &gridwatchv1.ImportUnitsRequest{Format: 9, Data: testUnits})
			return err
		}, "format"},
		{"units without data", func(ctx context.Context, e *env) error {
			_, err := e.grids.ImportUnits(ctx, &gridwatchv1.ImportUnitsRequest{})
			return err
		}, "data"},
		{"units over the cap", func(ctx context.Context, e *env) error {
			_, err := e.grids.ImportUnits(ctx, &gridwatchv1.ImportUnitsRequest{Data: testUnits + strings.Repeat("\n", testMaxImportBytes)})
			return err
		}, "data"},
		{"get unit by grid name", func(ctx context.Context, e *env) error {
			_, err := e.grids.GetUnit(ctx, &gridwatchv1.GetUnitRequest{Name: "policeGrids/a"})
			return err
		}, "name"},
		{"list units page_size -1", func(ctx context.Context, e *env) error {
			_, err := e.grids.ListUnits(ctx, &gridwatchv1.ListUnitsRequest{PageSize: -1})
			return err
		}, "page_size"},
	})
}

// runCheckCases runs each case against one server with an empty store.
func runCheckCases(t *testing.T, cases []checkCase) {
	t.Helper()
	e := newEnv(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantInvalid(t, tc.call(t.Context(), e), tc.field)
		})
	}
}

func TestCheckSizeMessage(t *testing.T) {
	e := newEnv(t)
	_, err := e.grids.ImportGrids(t.Context(), &gridwatchv1.ImportGridsRequest{
		Kind:    gridwatchv1.GridKind_GRID_KIND_POLICE,
		Geojson: strings.Repeat(" ", testMaxImportBytes+32<<10), // under the size cap of the import RPCs
	})
	want := "geojson: 96 KiB exceeds the 64 KiB limit"
	if got := statusMessage(err); got != want {
		t.Errorf("message: got %q, want %q", got, want)
	}
}

func TestFormatBytes(t *testing.T) {
	cases := []struct {
		n    int
		want string
	}{
		{0, "0 bytes"},
		{1023, "1023 bytes"},
		{1024, "1 KiB"},
		{1536, "1.5 KiB"},
		{48 << 20, "48 MiB"},
		{50 << 20, "50 MiB"},
		{50<<20 + 1<<19, "50.5 MiB"},
	}
	for _, tc := range cases {
		if got := formatBytes(tc.n); got != tc.want {
			t.Errorf("formatBytes(%d): got %q, want %q", tc.n, got, tc.want)
		}
	}
}
