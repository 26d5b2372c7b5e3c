package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// candidateIDs returns the responders of each circle of sc.
func candidateIDs(sc *gridwatchv1.SlotCandidates) [][]string {
	out := [][]string{}
	for _, c := range sc.GetCircles() {
		ids := []string{}
		for _, r := range c.GetResponders() {
			ids = append(ids, r.GetResponder())
		}
		out = append(out, ids)
	}
	return out
}

// newCandidatesEnv places the roster around scene (placeScene) and
// creates a noise complaint: slot 0 asks for a local responder from the
// 1-minute circle (offered to w1), slot 1 for a patrol from the 3-minute
// circle, where there is none, so it widens to the 5-minute circle (3 in
// the API) and is offered to p1.
func newCandidatesEnv(t *testing.T) (*env, *gridwatchv1.Incident) {
	t.Helper()
	e := newDispatchEnv(t, dispatch.Policy{})
	e.placeScene(t)
	return e, e.mustCreate(t, newIncident(""))
}

func TestListCandidates(t *testing.T) {
	e, inc := newCandidatesEnv(t)
	tests := []struct {
		role    string
		limit   int32
		precise bool
		want    [2][][]string
	}{
		{"dispatcher", 0, true, [2][][]string{
			{{"responders/w1", "responders/w2"}, {"responders/w3"}, {"responders/b1"}},
			{{}, {}, {"responders/p1"}},
		}},
		{"admin", 0, false, [2][][]string{
			{{"responders/w1", "responders/w2"}, {"responders/w3"}, {"responders/b1"}},
			{{}, {}, {"responders/p1"}},
		}},
		{"dispatcher", 1, true, [2][][]string{
			{{"responders/w1"}, {"responders/w3"}, {"responders/b1"}},
			{{}, {}, {"responders/p1"}},
		}},
	}
	wantOffered := [2][]string{{"responders/w1"}, {"responders/p1"}}
	for _, tt := range tests {
		resp, err := e.dispatch.ListCandidates(withRole(t.Context(), tt.role),
			&gridwatchv1.ListCandidatesRequest{Incident: inc.GetName(), LimitPerCircle: tt.limit})
		if err != nil {
			t.Fatalf("ListCandidates as %s, limit %d: %v", tt.role, tt.limit, err)
		}
		if len(resp.GetSlots()) != 2 {
			t.Fatalf("as %s: %d slots, want 2", tt.role, len(resp.GetSlots()))
		}
		for i, sc := range resp.GetSlots() {
			if got := candidateIDs(sc); !slices.EqualFunc(got, tt.want[i], slices.Equal) {
				t.Errorf("as %s, limit %d, slot %d: got %v, want %v", tt.role, tt.limit, i, got, tt.want[i])
			}
			if !slices.Equal(sc.GetOffered(), wantOffered[i]) {
				t.Errorf("as %s, slot %d offered: got %v, want %v", tt.role, i, sc.GetOffered(), wantOffered[i])
			}
			if sc.GetSlot().GetIndex() != int32(i) || sc.GetSlot().GetCircle() != []int32{1, 3}[i] {
				t.Errorf("as %s, slot %d: %v", tt.role, i, sc.GetSlot())
			}
			for _, c := range sc.GetCircles() {
				for _, r := range c.GetResponders() {
					checkPrecision(t, r, tt.precise)
				}
			}
		}
	}
}

func TestListCandidatesErrors(t *testing.T) {
	e, inc := newCandidatesEnv(t)
	ended := e.mustCreate(t, newIncident("ended"))
	_, err := e.dispatch.CancelIncident(withRole(t.Context(), "dispatcher"),
		&gridwatchv1.CancelIncidentRequest{Name: ended.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, role, incident string
		limit                int32
		code                 codes.Code
		field                string
	}{
		{"volunteer", "volunteer", inc.GetName(), 0, codes.PermissionDenied, ""},
		{"officer", "officer", inc.GetName(), 0, codes.PermissionDenied, ""},
		{"no incident", "dispatcher", "", 0, codes.InvalidArgument, "incident"},
		{"not an incident", "dispatcher", "offers/x", 0, codes.InvalidArgument, "incident"},
		{"negative limit", "dispatcher", inc.GetName(), -1, codes.InvalidArgument, "limit_per_circle"},
		{"limit too large", "dispatcher", inc.GetName(), 101, codes.InvalidArgument, "limit_per_circle"},
		// The authorizer decides before the handler looks at the input.
		{"role before bad input", "volunteer", inc.GetName(), 101, codes.PermissionDenied, ""},
		// Only an admin learns that an incident does not exist (AIP-211).
		{"missing", "admin", "incidents/nope", 0, codes.NotFound, ""},
		{"missing, dispatcher", "dispatcher", "incidents/nope", 0, codes.PermissionDenied, ""},
		{"not active", "admin", ended.GetName(), 0, codes.FailedPrecondition, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			if tt.role != "" {
				ctx = withRole(ctx, tt.role)
			}
			_, err := e.dispatch.ListCandidates(ctx, &gridwatchv1.ListCandidatesRequest{
				Incident: tt.incident, LimitPerCircle: tt.limit})
			if tt.field != "" {
				wantInvalid(t, err, tt.field)
				return
			}
			if got := status.Code(err); got != tt.code {
				t.Errorf("got %v (%v), want %v", got, err, tt.code)
			}
		})
	}
}

// TestGatewayListCandidates reads the candidates over HTTP/JSON, as the
// console does.
func TestGatewayListCandidates(t *testing.T) {
	e, inc := newCandidatesEnv(t)
	srv := httptest.NewServer(e.gateway(t))
	t.Cleanup(srv.Close)
	get := func(role string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(t.Context(), "GET",
			srv.URL+"/v1/"+inc.GetName()+"/candidates?limitPerCircle=1", nil)
		if err != nil {
			t.Fatal(err)
		}
		if role != "" {
			req.Header.Set("Authorization", "Bearer "+tokenFor(testPrincipal(role)))
		}
		return http.DefaultClient.Do(req)
	}
	resp, err := get("volunteer")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("as a volunteer: status %d, want 403", resp.StatusCode)
	}
	if resp, err = get("dispatcher"); err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Slots []struct {
			Slot    struct{ Index, Circle int }
			Circles []struct {
				MaxEtaSeconds int `json:"maxEtaSeconds"`
				Responders    []struct {
					Responder  string  `json:"responder"`
					Kind       string  `json:"kind"`
					EtaSeconds float64 `json:"etaSeconds"`
					DistanceM  float64 `json:"distanceM"`
				} `json:"responders"`
			} `json:"circles"`
			Offered []string `json:"offered"`
		} `json:"slots"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, decoding: %v", resp.StatusCode, err)
	}
	if len(body.Slots) != 2 || len(body.Slots[0].Circles) != 3 {
		t.Fatalf("got %+v, want 2 slots of 3 circles", body)
	}
	c0 := body.Slots[0].Circles[0]
	if c0.MaxEtaSeconds != 60 || len(c0.Responders) != 1 || c0.Responders[0].Responder != "responders/w1" ||
		c0.Responders[0].Kind != "RESPONDER_KIND_WATCH_VOLUNTEER" || c0.Responders[0].EtaSeconds <= 0 ||
		c0.Responders[0].DistanceM <= 0 {
		t.Errorf("slot 0, circle 0: %+v", c0)
	}
	if got := body.Slots[1].Offered; !slices.Equal(got, []string{"responders/p1"}) {
		t.Errorf("slot 1 offered: %v, want [responders/p1]", got)
	}
}
