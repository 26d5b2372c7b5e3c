package api

import (
	"slices"
	"testing"

	"github.com/uber/h3-go/v4"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

const (
	police    = gridwatchv1.GridKind_GRID_KIND_POLICE
	community = gridwatchv1.GridKind_GRID_KIND_COMMUNITY
)

func TestNotFound(t *testing.T) {
	e := newEnv(t)
	calls := map[string]func() error{
		"GetGrid": func() error {
			_, err := e.grids.GetGrid(t.Context(), &gridwatchv1.GetGridRequest{Name: "policeGrids/nope"})
			return err
		},
		"GetUnit": func() error {
			_, err := e.grids.GetUnit(t.Context(), &gridwatchv1.GetUnitRequest{Name: "units/nope"})
			return err
		},
		"GetResponder": func() error {
			_, err := e.roster.GetResponder(t.Context(), &gridwatchv1.GetResponderRequest{Name: "responders/nope"})
			return err
		},
		"UpdateGrid": func() error {
			_, err := e.grids.UpdateGrid(t.Context(), &gridwatchv1.UpdateGridRequest{
				Grid:       &gridwatchv1.Grid{Name: "communityGrids/nope", DisplayName: "x"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}},
			})
			return err
		},
	}
	for name, call := range calls {
		if got := status.Code(call()); got != codes.NotFound {
			t.Errorf("%s: got %v, want NotFound", name, got)
		}
	}
}

func TestImportThenLocate(t *testing.T) {
	e := newEnv(t)
	rep := e.mustImportGrids(t, police, threeGrids)
	if rep.GetGridCount() != 3 || rep.GetCellCount() == 0 || rep.GetResolution() != 9 {
		t.Fatalf("import report: got %v, want 3 grids at resolution 9", rep)
	}
	e.mustImportGrids(t, community, collection(square("c1", 41.79, 123.39, 0.03, "")))

	resp, err := e.grids.LocatePoint(t.Context(), &gridwatchv1.LocatePointRequest{
		Point: &gridwatchv1.LatLng{Latitude: 41.8025, Longitude: 123.4025},
	})
	if err != nil {
		t.Fatalf("LocatePoint: %v", err)
	}
	if got := resp.GetPoliceGrid().GetName(); got != "policeGrids/a" {
		t.Errorf("police grid: got %q, want policeGrids/a", got)
	}
	if got := resp.GetCommunityGrid().GetName(); got != "communityGrids/c1" {
		t.Errorf("community grid: got %q, want communityGrids/c1", got)
	}
	wantChain := &gridwatchv1.ResponsibilityChain{
		GridOfficer:  &gridwatchv1.Person{Id: "p3", DisplayName: "李洋"},
		TeamLeader:   &gridwatchv1.Person{Id: "p4", DisplayName: "周杰"},
		DeputyChief:  &gridwatchv1.Person{Id: "p5", DisplayName: "郭明"},
		StationChief: &gridwatchv1.Person{Id: "p2", DisplayName: "胡强"},
	}
	if !proto.Equal(resp.GetPoliceChain(), wantChain) {
		t.Errorf("police chain: got %v, want %v", resp.GetPoliceChain(), wantChain)
	}
	if c := h3.CellFromString(resp.GetCell()); !c.IsValid() || c.Resolution() != 9 || c.String() != resp.GetCell() {
		t.Errorf("cell: got %q, want a resolution-9 cell in lowercase hex", resp.GetCell())
	}
}

func TestLocateOutsideEveryGrid(t *testing.T) {
	e := newEnv(t)
	resp, err := e.grids.LocatePoint(t.Context(), &gridwatchv1.LocatePointRequest{
		Point: &gridwatchv1.LatLng{Latitude: 41.8, Longitude: 123.4},
		Datum: gridwatchv1.Datum_DATUM_GCJ02,
	})
	if err != nil {
		t.Fatalf("LocatePoint: %v", err)
	}
	if resp.GetPoliceGrid() != nil || resp.GetCommunityGrid() != nil || resp.GetPoliceChain() != nil {
		t.Errorf("got %v, want no grid and no chain", resp)
	}
	if p := resp.GetPoint(); p.GetLatitude() == 41.8 || p.GetLongitude() == 123.4 {
		t.Errorf("point: got %v, want the GCJ-02 point moved to WGS-84", p)
	}
}

func TestListGridsPaging(t *testing.T) {
	e := newEnv(t)
	e.mustImportGrids(t, police, threeGrids)
	var got []string
	req := &gridwatchv1.ListGridsRequest{Kind: police, PageSize: 1}
	for range 10 {
		resp, err := e.grids.ListGrids(t.Context(), req)
		if err != nil {
			t.Fatalf("ListGrids: %v", err)
		}
		if len(resp.GetGrids()) > 1 {
			t.Fatalf("page of %d grids, want at most 1", len(resp.GetGrids()))
		}
		for _, g := range resp.GetGrids() {
			got = append(got, g.GetName())
		}
		if resp.GetNextPageToken() == "" {
			break
		}
		req.PageToken = resp.GetNextPageToken()
	}
	want := []string{"policeGrids/a", "policeGrids/b", "policeGrids/c"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPageTokenOfAnotherKind(t *testing.T) {
	e := newEnv(t)
	e.mustImportGrids(t, police, threeGrids)
	resp, err := e.grids.ListGrids(t.Context(), &gridwatchv1.ListGridsRequest{Kind: police, PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.grids.ListGrids(t.Context(), &gridwatchv1.ListGridsRequest{Kind: community, PageToken: resp.GetNextPageToken()})
	wantInvalid(t, err, "page_token")
}

// listAll returns every grid of kind.
func listAll(t *testing.T, e *env, kind gridwatchv1.GridKind) []*gridwatchv1.Grid {
	t.Helper()
	resp, err := e.grids.ListGrids(t.Context(), &gridwatchv1.ListGridsRequest{Kind: kind, PageSize: 1000})
	if err != nil {
		t.Fatalf("ListGrids: %v", err)
	}
	return resp.GetGrids()
}

func TestInvalidImportChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.mustImportGrids(t, police, threeGrids)
	before := listAll(t, e, police)
	bad := collection(
		square("a", 41.81, 123.40, 0.01, ""),
		square("d", 41.81, 123.46, 0.01, `"unit":"nowhere"`),
	)
	_, err := e.grids.ImportGrids(t.Context(), &gridwatchv1.ImportGridsRequest{Kind: police, Geojson: bad})
	if got := status.Code(err); got != codes.InvalidArgument {
		t.Fatalf("import with an unknown unit: got %v, want InvalidArgument", err)
	}
	if after := listAll(t, e, police); !equalGrids(before, after) {
		t.Errorf("grids changed by a failed import:\nbefore %v\nafter  %v", before, after)
	}
	_, err = e.grids.ImportUnits(t.Context(), &gridwatchv1.ImportUnitsRequest{Data: "id,type,name\nx,station,X\ny,planet,Y\n"})
	wantInvalid(t, err, "line 3 type")
	if _, err := e.grids.GetUnit(t.Context(), &gridwatchv1.GetUnitRequest{Name: "units/x"}); status.Code(err) != codes.NotFound {
		t.Errorf("unit of a failed import: got %v, want NotFound", err)
	}
}

func TestValidateOnlyStoresNothing(t *testing.T) {
	e := newEnv(t)
	resp, err := e.grids.ImportGrids(t.Context(), &gridwatchv1.ImportGridsRequest{Kind: police, Geojson: threeGrids, ValidateOnly: true})
	if err != nil || resp.GetGridCount() != 3 {
		t.Fatalf("validate only: got %v, %v, want a report of 3 grids", resp, err)
	}
	if gs := listAll(t, e, police); len(gs) != 0 {
		t.Errorf("validate_only stored %d grids", len(gs))
	}
}
