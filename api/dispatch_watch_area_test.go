package api

import (
	"context"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// TestWatchIncidentsArea: a console watching grids, cells or both sees
// the incidents inside their union and no other.
func TestWatchIncidentsArea(t *testing.T) {
	e := newDispatchEnv(t, dispatch.Policy{})
	e.mustImportGrids(t, gridwatchv1.GridKind_GRID_KIND_POLICE, threeGrids)
	inA := &gridwatchv1.LatLng{Latitude: 41.8025, Longitude: 123.4025} // inside police grid a
	inB := &gridwatchv1.LatLng{Latitude: 41.8025, Longitude: 123.4225} // inside police grid b
	outside := &gridwatchv1.LatLng{Latitude: 41.78, Longitude: 123.38} // in the community grid hp-c only
	tests := []struct {
		name  string
		req   func(cellB string) *gridwatchv1.WatchIncidentsRequest
		wantA bool
		wantB bool
		wantO bool
	}{
		{"everywhere", func(string) *gridwatchv1.WatchIncidentsRequest { return &gridwatchv1.WatchIncidentsRequest{} }, true, true, true},
		{"police grid a", func(string) *gridwatchv1.WatchIncidentsRequest {
			return &gridwatchv1.WatchIncidentsRequest{Grids: []string{"policeGrids/a"}}
		}, true, false, false},
		{"community grid hp-c", func(string) *gridwatchv1.WatchIncidentsRequest {
			return &gridwatchv1.WatchIncidentsRequest{Grids: []string{"communityGrids/" + scopeGrid}}
		}, true, true, true},
		{"grid a or b's cell", func(cellB string) *gridwatchv1.WatchIncidentsRequest {
			return &gridwatchv1.WatchIncidentsRequest{Grids: []string{"policeGrids/a"}, Cells: []string{cellB}}
		}, true, true, false},
		{"a grid with no incident", func(string) *gridwatchv1.WatchIncidentsRequest {
			return &gridwatchv1.WatchIncidentsRequest{Grids: []string{"policeGrids/c"}}
		}, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := withRole(t.Context(), "dispatcher")
			// b's cell is known once b exists: create the three first, then
			// watch, then cancel each to see its events.
			incA := e.mustCreate(t, atPoint(inA))
			incB := e.mustCreate(t, atPoint(inB))
			incO := e.mustCreate(t, atPoint(outside))
			watch, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			st, err := e.dispatch.WatchIncidents(watch, tt.req(incB.GetCell()))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Header(); err != nil {
				t.Fatal(err)
			}
			for _, inc := range []*gridwatchv1.Incident{incA, incB, incO} {
				if _, err := e.dispatch.CancelIncident(ctx, &gridwatchv1.CancelIncidentRequest{Name: inc.GetName()}); err != nil {
					t.Fatal(err)
				}
			}
			seen := map[string]bool{}
			for { // until the watch's second is up
				m, err := st.Recv()
				if err != nil {
					break
				}
				seen[m.GetIncident().GetName()] = true
			}
			got := []bool{seen[incA.GetName()], seen[incB.GetName()], seen[incO.GetName()]}
			want := []bool{tt.wantA, tt.wantB, tt.wantO}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("saw a, b, outside: %v, want %v", got, want)
					break
				}
			}
		})
	}
	st, err := e.dispatch.WatchIncidents(withRole(t.Context(), "dispatcher"),
		&gridwatchv1.WatchIncidentsRequest{Grids: []string{"grids/a"}})
	if err == nil {
		_, err = st.Recv()
	}
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("a bad grid name: %v, want InvalidArgument", err)
	}
}

// atPoint is newIncident at p.
func atPoint(p *gridwatchv1.LatLng) *gridwatchv1.CreateIncidentRequest {
	req := newIncident("")
	req.Incident.Position = p
	return req
}

// TestListIncidentsArea: a listing of grids, cells or both holds the
// incidents inside their union and no other, and pages through them.
func TestListIncidentsArea(t *testing.T) {
	e := newDispatchEnv(t, dispatch.Policy{})
	e.mustImportGrids(t, gridwatchv1.GridKind_GRID_KIND_POLICE, threeGrids)
	ctx := withRole(t.Context(), "dispatcher")
	a1 := e.mustCreate(t, atPoint(&gridwatchv1.LatLng{Latitude: 41.8025, Longitude: 123.4025}))
	b := e.mustCreate(t, atPoint(&gridwatchv1.LatLng{Latitude: 41.8025, Longitude: 123.4225}))
	a2 := e.mustCreate(t, atPoint(&gridwatchv1.LatLng{Latitude: 41.8020, Longitude: 123.4020}))
	out := e.mustCreate(t, atPoint(&gridwatchv1.LatLng{Latitude: 41.78, Longitude: 123.38}))
	tests := []struct {
		name  string
		req   *gridwatchv1.ListIncidentsRequest
		names []string // newest first
	}{
		{"everywhere", &gridwatchv1.ListIncidentsRequest{}, []string{out.GetName(), a2.GetName(), b.GetName(), a1.GetName()}},
		{"grid a", &gridwatchv1.ListIncidentsRequest{Grids: []string{"policeGrids/a"}}, []string{a2.GetName(), a1.GetName()}},
		{"grid a or b's cell", &gridwatchv1.ListIncidentsRequest{Grids: []string{"policeGrids/a"}, Cells: []string{b.GetCell()}},
			[]string{a2.GetName(), b.GetName(), a1.GetName()}},
		{"grid a, a page at a time", &gridwatchv1.ListIncidentsRequest{Grids: []string{"policeGrids/a"}, PageSize: 1},
			[]string{a2.GetName(), a1.GetName()}},
		{"grid c", &gridwatchv1.ListIncidentsRequest{Grids: []string{"policeGrids/c"}}, nil},
	}
	for _, tt := range tests {
		var got []string
		req := tt.req
		for range 10 {
			resp, err := e.dispatch.ListIncidents(ctx, req)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			for _, inc := range resp.GetIncidents() {
				got = append(got, inc.GetName())
			}
			if resp.GetNextPageToken() == "" {
				break
			}
			req = proto.CloneOf(req)
			req.PageToken = resp.GetNextPageToken()
		}
		if !slices.Equal(got, tt.names) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.names)
		}
	}
	first, err := e.dispatch.ListIncidents(ctx, &gridwatchv1.ListIncidentsRequest{Grids: []string{"policeGrids/a"}, PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.dispatch.ListIncidents(ctx, &gridwatchv1.ListIncidentsRequest{Grids: []string{"policeGrids/b"}, PageSize: 1,
		PageToken: first.GetNextPageToken()})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("a token of grid a used for grid b: %v, want InvalidArgument", err)
	}
}
