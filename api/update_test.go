package api

import (
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

func TestUpdateGrid(t *testing.T) {
	cases := []struct {
		name  string
		grid  *gridwatchv1.Grid
		paths []string
		want  func(g *gridwatchv1.Grid) // edits grid a as imported into the result
	}{
		{"display name", &gridwatchv1.Grid{DisplayName: "A 网格", Unit: "units/ignored"}, []string{"display_name"},
			func(g *gridwatchv1.Grid) { g.DisplayName = "A 网格" }},
		{"officer", &gridwatchv1.Grid{Officer: &gridwatchv1.Person{Id: "p9", DisplayName: "王五"}}, []string{"officer"},
			func(g *gridwatchv1.Grid) { g.Officer = &gridwatchv1.Person{Id: "p9", DisplayName: "王五"} }},
		{"officer id only", &gridwatchv1.Grid{Officer: &gridwatchv1.Person{Id: "p9"}}, []string{"officer.id"},
			func(g *gridwatchv1.Grid) { g.Officer.Id = "p9" }},
		{"clear team leader", &gridwatchv1.Grid{}, []string{"team_leader"},
			func(g *gridwatchv1.Grid) { g.TeamLeader = nil }},
		{"no mask: the fields set", &gridwatchv1.Grid{DeputyChief: &gridwatchv1.Person{Id: "p8"}}, nil,
			func(g *gridwatchv1.Grid) { g.DeputyChief = &gridwatchv1.Person{Id: "p8"} }},
		{"no mask, nothing set", &gridwatchv1.Grid{}, nil, func(*gridwatchv1.Grid) {}},
		{"*: everything", &gridwatchv1.Grid{DisplayName: "A", Unit: "units/hp-st"}, []string{"*"},
			func(g *gridwatchv1.Grid) {
				g.DisplayName, g.Officer, g.TeamLeader, g.DeputyChief = "A", nil, nil, nil
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.mustImportGrids(t, police, threeGrids)
			want, err := e.grids.GetGrid(t.Context(), &gridwatchv1.GetGridRequest{Name: "policeGrids/a"})
			if err != nil {
				t.Fatal(err)
			}
			tc.want(want)
			tc.grid.Name = "policeGrids/a"
			got, err := e.grids.UpdateGrid(t.Context(), &gridwatchv1.UpdateGridRequest{Grid: tc.grid, UpdateMask: mask(tc.paths)})
			if err != nil {
				t.Fatalf("UpdateGrid: %v", err)
			}
			if !proto.Equal(got, want) {
				t.Errorf("got %v\nwant %v", got, want)
			}
			stored, _ := e.grids.GetGrid(t.Context(), &gridwatchv1.GetGridRequest{Name: "policeGrids/a"})
			if !proto.Equal(stored, want) {
				t.Errorf("stored %v\nwant %v", stored, want)
			}
		})
	}
}

func TestUpdateGridForbiddenPath(t *testing.T) {
	e := newEnv(t)
	e.mustImportGrids(t, police, threeGrids)
	before := listAll(t, e, police)
	for _, p := range []string{"cell_count", "resolution", "area_km2", "kind", "name", "officer.phone"} {
		_, err := e.grids.UpdateGrid(t.Context(), &gridwatchv1.UpdateGridRequest{
			Grid:       &gridwatchv1.Grid{Name: "policeGrids/a", DisplayName: "x", CellCount: 1},
			UpdateMask: mask([]string{"display_name", p}),
		})
		wantInvalid(t, err, "update_mask")
	}
	if after := listAll(t, e, police); !equalGrids(before, after) {
		t.Errorf("a rejected update changed the grids")
	}
}

func mask(paths []string) *fieldmaskpb.FieldMask {
	if paths == nil {
		return nil
	}
	return &fieldmaskpb.FieldMask{Paths: paths}
}

func equalGrids(a, b []*gridwatchv1.Grid) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !proto.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
