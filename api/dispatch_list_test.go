package api

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/uber/h3-go/v4"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// listEnv is a dispatch server holding five incidents at scene (the
// second cancelled) and one in Beijing; names lists them newest first.
func listEnv(t *testing.T) (e *env, names []string) {
	t.Helper()
	e = newDispatchEnv(t, dispatch.Policy{})
	var incs []*gridwatchv1.Incident
	for i := range 6 {
		req := newIncident("")
		if i == 5 {
			req.Incident.Position = &gridwatchv1.LatLng{Latitude: 39.90, Longitude: 116.40}
		}
		incs = append(incs, e.mustCreate(t, req))
	}
	if _, err := e.dispatch.CancelIncident(withRole(t.Context(), "dispatcher"),
		&gridwatchv1.CancelIncidentRequest{Name: incs[1].GetName()}); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(incs, func(a, b *gridwatchv1.Incident) int {
		if c := b.GetCreateTime().AsTime().Compare(a.GetCreateTime().AsTime()); c != 0 {
			return c
		}
		return strings.Compare(a.GetName(), b.GetName())
	})
	for _, inc := range incs {
		names = append(names, inc.GetName())
	}
	return e, names
}

// listNames pages through req (its page_size kept) and returns the names.
func (e *env) listNames(t *testing.T, req *gridwatchv1.ListIncidentsRequest) []string {
	t.Helper()
	req = proto.CloneOf(req)
	var names []string
	for range 100 {
		resp, err := e.dispatch.ListIncidents(t.Context(), req)
		if err != nil {
			t.Fatalf("ListIncidents(%v): %v", req, err)
		}
		for _, inc := range resp.GetIncidents() {
			names = append(names, inc.GetName())
		}
		if resp.GetNextPageToken() == "" {
			return names
		}
		req.PageToken = resp.GetNextPageToken()
	}
	t.Fatal("more than 100 pages")
	return nil
}

// partition splits names into the cancelled incidents and the others, and
// returns those in cell too.
func (e *env) partition(t *testing.T, names []string, cell string) (cancelled, others, in []string) {
	t.Helper()
	for _, n := range names {
		inc, err := e.dispatch.GetIncident(t.Context(), &gridwatchv1.GetIncidentRequest{Name: n})
		if err != nil {
			t.Fatal(err)
		}
		if inc.GetState() == gridwatchv1.IncidentState_INCIDENT_STATE_CANCELLED {
			cancelled = append(cancelled, n)
		} else {
			others = append(others, n)
		}
		if inc.GetCell() == cell {
			in = append(in, n)
		}
	}
	return cancelled, others, in
}

func TestListIncidents(t *testing.T) {
	e, all := listEnv(t)
	cell := func(p *gridwatchv1.LatLng, res int) string {
		c, err := h3.LatLngToCell(h3.LatLng{Lat: p.GetLatitude(), Lng: p.GetLongitude()}, res)
		if err != nil {
			t.Fatal(err)
		}
		return c.String()
	}
	cancelled, active, atScene := e.partition(t, all, cell(scene, dispatch.CellResolution))
	tests := []struct {
		name string
		req  *gridwatchv1.ListIncidentsRequest
		want []string
	}{
		{"all, default size", &gridwatchv1.ListIncidentsRequest{}, all},
		{"all, pages of 1", &gridwatchv1.ListIncidentsRequest{PageSize: 1}, all},
		{"all, pages of 4", &gridwatchv1.ListIncidentsRequest{PageSize: 4}, all},
		{"above the cap", &gridwatchv1.ListIncidentsRequest{PageSize: 100_000}, all},
		{"cancelled", &gridwatchv1.ListIncidentsRequest{PageSize: 1,
			States: []gridwatchv1.IncidentState{gridwatchv1.IncidentState_INCIDENT_STATE_CANCELLED}}, cancelled},
		{"dispatching or new", &gridwatchv1.ListIncidentsRequest{PageSize: 2, States: []gridwatchv1.IncidentState{
			gridwatchv1.IncidentState_INCIDENT_STATE_NEW, gridwatchv1.IncidentState_INCIDENT_STATE_DISPATCHING}}, active},
		{"scene's res-5 cell", &gridwatchv1.ListIncidentsRequest{PageSize: 2, Cells: []string{cell(scene, 5)}}, atScene},
		{"scene's res-9 cell", &gridwatchv1.ListIncidentsRequest{Cells: []string{" " + cell(scene, 9) + " "}}, atScene},
		{"both cities", &gridwatchv1.ListIncidentsRequest{PageSize: 3, Cells: []string{
			cell(&gridwatchv1.LatLng{Latitude: 39.90, Longitude: 116.40}, 7), cell(scene, 5)}}, all},
		{"nowhere", &gridwatchv1.ListIncidentsRequest{Cells: []string{cell(&gridwatchv1.LatLng{Latitude: 10, Longitude: 10}, 5)}}, nil},
	}
	for _, tt := range tests {
		if got := e.listNames(t, tt.req); !slices.Equal(got, tt.want) {
			t.Errorf("%s: listed %v, want %v", tt.name, got, tt.want)
		}
	}
	if len(all) != 6 || len(cancelled) != 1 || len(atScene) != 5 {
		t.Errorf("fixture: %d incidents, %d cancelled, %d at scene", len(all), len(cancelled), len(atScene))
	}
}

// TestListIncidentsAsGet: a listed incident is what GetIncident returns,
// to every role that may list (the precise position included, as
// GetIncident gives it). The newest incident, in Beijing, is outside the
// scope of all but admins (and the test operator, an admin).
func TestListIncidentsAsGet(t *testing.T) {
	e, names := listEnv(t)
	for _, role := range []string{"", "officer", "station_chief", "dispatcher", "admin"} {
		ctx := t.Context()
		want := names[0]
		if role != "" {
			ctx = withRole(ctx, role)
			if role != "admin" {
				want = names[1]
			}
		}
		resp, err := e.dispatch.ListIncidents(ctx, &gridwatchv1.ListIncidentsRequest{PageSize: 1})
		if err != nil || len(resp.GetIncidents()) != 1 || resp.GetNextPageToken() == "" {
			t.Fatalf("role %q: %v, %v", role, resp, err)
		}
		if n := resp.GetIncidents()[0].GetName(); n != want {
			t.Errorf("role %q: listed %s first, want %s", role, n, want)
		}
		got, err := e.dispatch.GetIncident(ctx, &gridwatchv1.GetIncidentRequest{Name: want})
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(resp.GetIncidents()[0], got) || got.GetPosition() == nil {
			t.Errorf("role %q: listed %v\nwant %v", role, resp.GetIncidents()[0], got)
		}
	}
	_, err := e.dispatch.ListIncidents(withRole(t.Context(), "volunteer"), &gridwatchv1.ListIncidentsRequest{})
	if status.Code(err) != codes.PermissionDenied {
		t.Errorf("volunteer: got %v, want PermissionDenied", err)
	}
}

func TestListIncidentsInvalid(t *testing.T) {
	e, _ := listEnv(t)
	first, err := e.dispatch.ListIncidents(t.Context(), &gridwatchv1.ListIncidentsRequest{PageSize: 1,
		States: []gridwatchv1.IncidentState{gridwatchv1.IncidentState_INCIDENT_STATE_DISPATCHING}})
	if err != nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v, %v", first, err)
	}
	tok := first.GetNextPageToken()
	tests := []struct {
		name  string
		req   *gridwatchv1.ListIncidentsRequest
		field string
	}{
		{"negative size", &gridwatchv1.ListIncidentsRequest{PageSize: -1}, "page_size"},
		{"state unspecified", &gridwatchv1.ListIncidentsRequest{States: []gridwatchv1.IncidentState{0}}, "states[0]"},
		{"state unknown", &gridwatchv1.ListIncidentsRequest{States: []gridwatchv1.IncidentState{1, 99}}, "states[1]"},
		{"cell not hex", &gridwatchv1.ListIncidentsRequest{Cells: []string{"zz"}}, "cells[0]"},
		{"cell res 10", &gridwatchv1.ListIncidentsRequest{Cells: []string{"8a1f05a3b5a7fff"}}, "cells[0]"},
		{"too many cells", &gridwatchv1.ListIncidentsRequest{Cells: make([]string, dispatch.MaxQueryCells+1)}, "cells"},
		{"malformed token", &gridwatchv1.ListIncidentsRequest{PageToken: "!!"}, "page_token"},
		{"token of no filter", &gridwatchv1.ListIncidentsRequest{PageToken: tok}, "page_token"},
		{"token of another list", &gridwatchv1.ListIncidentsRequest{PageToken: encodePageToken(units, "x"),
			States: []gridwatchv1.IncidentState{2}}, "page_token"},
		{"token without a cursor", &gridwatchv1.ListIncidentsRequest{
			PageToken: encodePageToken(incidents, "nocursor")}, "page_token"},
	}
	for _, tt := range tests {
		_, err := e.dispatch.ListIncidents(t.Context(), tt.req)
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s: %v, want InvalidArgument", tt.name, err)
			continue
		}
		wantInvalid(t, err, tt.field)
	}
	// The same filter in another order, with another page size, takes the token.
	next, err := e.dispatch.ListIncidents(t.Context(), &gridwatchv1.ListIncidentsRequest{PageSize: 2, PageToken: tok,
		States: []gridwatchv1.IncidentState{2, 2}})
	if err != nil || len(next.GetIncidents()) != 2 {
		t.Errorf("next page, states repeated: %v, %v", next, err)
	}
}

func TestGatewayListIncidents(t *testing.T) {
	e, names := listEnv(t)
	h := e.gateway(t)
	var first gridwatchv1.ListIncidentsResponse
	mustDo(t, h, "GET", "/v1/incidents?states=INCIDENT_STATE_DISPATCHING&states=INCIDENT_STATE_NEW&page_size=2",
		nil, http.StatusOK, &first)
	if len(first.GetIncidents()) != 2 || first.GetIncidents()[0].GetName() != names[0] ||
		first.GetIncidents()[0].GetCreateTime() == nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v", &first)
	}
	var rest gridwatchv1.ListIncidentsResponse
	mustDo(t, h, "GET", "/v1/incidents?states=INCIDENT_STATE_NEW&states=INCIDENT_STATE_DISPATCHING&pageSize=10&pageToken="+
		url.QueryEscape(first.GetNextPageToken()), nil, http.StatusOK, &rest)
	if len(rest.GetIncidents()) != 3 || rest.GetNextPageToken() != "" {
		t.Errorf("second page: %v", &rest)
	}
	var all gridwatchv1.ListIncidentsResponse
	mustDo(t, h, "GET", "/v1/incidents", nil, http.StatusOK, &all)
	if len(all.GetIncidents()) != len(names) {
		t.Errorf("all: %d incidents, want %d", len(all.GetIncidents()), len(names))
	}
	mustDo(t, h, "GET", "/v1/incidents?cells=nothex", nil, http.StatusBadRequest, nil)
	mustDo(t, h, "GET", "/v1/incidents?page_token=bad", nil, http.StatusBadRequest, nil)
	mustDo(t, h, "GET", "/v1/incidents?states=INCIDENT_STATE_NOPE", nil, http.StatusBadRequest, nil)
}
