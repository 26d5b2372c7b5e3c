package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// gateway returns an HTTP handler of the gateway in front of e.
func (e *env) gateway(t *testing.T) http.Handler {
	t.Helper()
	mux := runtime.NewServeMux()
	if err := RegisterGateway(t.Context(), mux, e.conn); err != nil {
		t.Fatal(err)
	}
	return mux
}

// do sends a request to h and returns the status and body.
func do(t *testing.T, h http.Handler, method, path string, body any) (int, []byte) {
	t.Helper()
	var b strings.Builder
	if body != nil {
		if err := json.NewEncoder(&b).Encode(body); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequestWithContext(t.Context(), method, path, strings.NewReader(b.String()))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// mustDo is do that fails unless the status is want, decoding the body
// into out.
func mustDo(t *testing.T, h http.Handler, method, path string, body any, want int, out proto.Message) {
	t.Helper()
	code, raw := do(t, h, method, path, body)
	if code != want {
		t.Fatalf("%s %s: got %d %s, want %d", method, path, code, raw, want)
	}
	if out != nil {
		if err := protojson.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decoding %s: %v", method, path, raw, err)
		}
	}
}

func TestGatewayBindings(t *testing.T) {
	e := newEnv(t)
	h := e.gateway(t)
	mustDo(t, h, "POST", "/v1/units:import", map[string]any{"data": testUnits}, http.StatusOK, nil)
	mustDo(t, h, "POST", "/v1/grids:import", map[string]any{"kind": "GRID_KIND_POLICE", "geojson": threeGrids}, http.StatusOK, nil)
	mustDo(t, h, "POST", "/v1/grids:import",
		map[string]any{"kind": "GRID_KIND_COMMUNITY", "geojson": collection(square("c1", 41.79, 123.39, 0.03, ""))}, http.StatusOK, nil)

	var loc gridwatchv1.LocatePointResponse
	mustDo(t, h, "GET", "/v1/grids:locate?point.latitude=41.8025&point.longitude=123.4025", nil, http.StatusOK, &loc)
	if loc.GetPoliceGrid().GetName() != "policeGrids/a" || loc.GetPoliceChain().GetStationChief().GetId() != "p2" {
		t.Errorf("locate: got %v", &loc)
	}
	var g gridwatchv1.Grid
	mustDo(t, h, "GET", "/v1/communityGrids/c1", nil, http.StatusOK, &g)
	if g.GetKind() != community {
		t.Errorf("community grid: got %v", &g)
	}
	mustDo(t, h, "GET", "/v1/policeGrids/nope", nil, http.StatusNotFound, nil)
	mustDo(t, h, "GET", "/v1/grids:locate?point.latitude=NaN&point.longitude=123", nil, http.StatusBadRequest, nil)

	var page gridwatchv1.ListGridsResponse
	mustDo(t, h, "GET", "/v1/grids?kind=GRID_KIND_POLICE&pageSize=2", nil, http.StatusOK, &page)
	if len(page.GetGrids()) != 2 || page.GetNextPageToken() == "" {
		t.Errorf("list: got %v, want 2 grids and a token", &page)
	}
	mustDo(t, h, "GET", "/v1/units/hp-st", nil, http.StatusOK, nil)
	mustDo(t, h, "GET", "/v1/units", nil, http.StatusOK, nil)
	mustDo(t, h, "GET", "/v1/compounds:understaffed", nil, http.StatusOK, nil)
	mustDo(t, h, "GET", "/v1/responders/nope", nil, http.StatusNotFound, nil)
}

// The gateway turns the fields of a PATCH body into the update mask, down
// to a person's subfields; the other subfield keeps its value.
func TestGatewayPatchMaskFromBody(t *testing.T) {
	e := newEnv(t)
	e.mustImportGrids(t, police, threeGrids)
	h := e.gateway(t)
	var g gridwatchv1.Grid
	mustDo(t, h, "PATCH", "/v1/policeGrids/a", map[string]any{"officer": map[string]any{"id": "p9"}}, http.StatusOK, &g)
	want := &gridwatchv1.Person{Id: "p9", DisplayName: "李洋"}
	if !proto.Equal(g.GetOfficer(), want) {
		t.Errorf("officer: got %v, want %v", g.GetOfficer(), want)
	}
	if g.GetTeamLeader().GetId() != "p4" {
		t.Errorf("team leader changed: %v", g.GetTeamLeader())
	}
	mustDo(t, h, "PATCH", "/v1/policeGrids/a", map[string]any{"cellCount": 1}, http.StatusBadRequest, nil)
}
