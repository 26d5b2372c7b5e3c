package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// doWithHeader is do with one request header.
func doWithHeader(t *testing.T, h http.Handler, method, path, header, value string) (int, string) {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, nil)
	if header != "" {
		req.Header.Set(header, value)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestGatewayPresenceBindings(t *testing.T) {
	e := newPresenceEnv(t)
	h := e.gateway(t)
	var s gridwatchv1.Shift
	mustDo(t, h, "POST", "/v1/responders/w1:startShift", map[string]any{}, http.StatusOK, &s)
	if s.GetStatus() != gridwatchv1.ResponderStatus_RESPONDER_STATUS_AVAILABLE {
		t.Errorf("startShift: got %v", &s)
	}
	mustDo(t, h, "POST", "/v1/responders/w2:startShift", map[string]any{}, http.StatusOK, nil)
	mustDo(t, h, "POST", "/v1/responders/w2:setStatus", map[string]any{"status": "RESPONDER_STATUS_BUSY"}, http.StatusOK, &s)
	if s.GetStatus() != gridwatchv1.ResponderStatus_RESPONDER_STATUS_BUSY {
		t.Errorf("setStatus: got %v", &s)
	}
	mustDo(t, h, "POST", "/v1/responders/w2:endShift", map[string]any{}, http.StatusOK, nil)
	mustDo(t, h, "POST", "/v1/responders/w2:endShift", map[string]any{}, http.StatusBadRequest, nil) // FAILED_PRECONDITION
	mustDo(t, h, "POST", "/v1/responders/nobody:startShift", map[string]any{}, http.StatusNotFound, nil)

	var batch gridwatchv1.BatchReportLocationsResponse
	mustDo(t, h, "POST", "/v1/responders:batchReportLocations", map[string]any{"reports": []any{
		map[string]any{"responder": "responders/w1", "update": map[string]any{
			"position": map[string]any{"latitude": 41.8003, "longitude": 123.40}, "fixTime": time.Now().UTC().Format(time.RFC3339Nano)}},
	}}, http.StatusOK, &batch)
	if len(batch.GetResults()) != 1 || batch.GetResults()[0] != applied {
		t.Errorf("batchReportLocations: got %v", &batch)
	}
	var own gridwatchv1.OwnGridTime
	mustDo(t, h, "GET", "/v1/responders/w1/ownGridTime?day=2026-11-21", nil, http.StatusOK, &own)
	if own.GetDay() != "2026-11-21" || own.GetResponder() != "responders/w1" {
		t.Errorf("ownGridTime: got %v", &own)
	}
	mustDo(t, h, "GET", "/v1/responders:find?point.latitude=NaN&point.longitude=123.4", nil, http.StatusBadRequest, nil)
	mustDo(t, h, "GET", "/v1/responders/w1", nil, http.StatusOK, nil) // GetResponder still routes
}

// Over HTTP the token travels as the header Authorization, which the
// gateway forwards as authorization metadata.
func TestGatewayFindRespondersRole(t *testing.T) {
	e := newPresenceEnv(t)
	e.placeScene(t)
	h := e.gateway(t)
	const path = "/v1/responders:find?point.latitude=41.80&point.longitude=123.40&kinds=RESPONDER_KIND_WATCH_VOLUNTEER&limitPerCircle=5"
	foreignHeader, foreign := principalHeader(auth.Principal{Subject: "d2", Role: RoleDispatcher, Units: []string{"elsewhere"}})
	tests := []struct {
		name, header, value string
		code                int
		precise             bool
	}{
		{"default token: the test operator, an admin", "", "", http.StatusOK, false},
		{"dispatcher", "Authorization", "Bearer " + tokenFor(testPrincipal("dispatcher")), http.StatusOK, true},
		{"officer", "Authorization", "Bearer " + tokenFor(testPrincipal("officer")), http.StatusOK, false},
		{"volunteer", "Authorization", "Bearer " + tokenFor(testPrincipal("volunteer")), http.StatusForbidden, false},
		{"dispatcher of another unit", foreignHeader, foreign, http.StatusForbidden, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := doWithHeader(t, h, "GET", path, tt.header, tt.value)
			if code != tt.code {
				t.Fatalf("got %d %s, want %d", code, body, tt.code)
			}
			if code != http.StatusOK {
				if strings.Contains(body, "responders/") {
					t.Errorf("a denial names responders: %s", body)
				}
				return
			}
			var resp gridwatchv1.FindRespondersResponse
			if err := protojson.Unmarshal([]byte(body), &resp); err != nil {
				t.Fatal(err)
			}
			if got := circleIDs(&resp)[60]; len(got) != 2 {
				t.Fatalf("circle 60: got %v, want w1 and w2", got)
			}
			for _, c := range resp.GetCircles() {
				for _, r := range c.GetResponders() {
					checkPrecision(t, r, tt.precise)
				}
			}
			if !tt.precise && strings.Contains(body, "latitude") {
				t.Errorf("body carries coordinates: %s", body)
			}
		})
	}
}
