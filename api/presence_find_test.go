package api

import (
	"slices"
	"testing"

	"github.com/uber/h3-go/v4"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/presence"
)

// mustFind searches around scene as role ("": the test client's default);
// req nil asks with the defaults.
func (e *env) mustFind(t *testing.T, role string, req *gridwatchv1.FindRespondersRequest) *gridwatchv1.FindRespondersResponse {
	t.Helper()
	if req == nil {
		req = &gridwatchv1.FindRespondersRequest{Point: scene}
	}
	ctx := t.Context()
	if role != "" {
		ctx = withRole(ctx, role)
	}
	resp, err := e.presence.FindResponders(ctx, req)
	if err != nil {
		t.Fatalf("FindResponders: %v", err)
	}
	return resp
}

// placeScene puts the roster on shift around scene: w1 and w2 40 m away
// on foot (37 s), w3 150 m (140 s), b1 600 m by bike (187 s) and p1
// 1,500 m by car (234 s).
func (e *env) placeScene(t *testing.T) {
	t.Helper()
	e.mustPlace(t, map[string]*gridwatchv1.LatLng{
		"w1": metresNorth(40), "w2": metresNorth(40), "w3": metresNorth(150),
		"b1": metresNorth(600), "p1": metresNorth(1500),
	})
}

// circleIDs returns the responder ids of each circle by its bound.
func circleIDs(resp *gridwatchv1.FindRespondersResponse) map[int32][]string {
	out := map[int32][]string{}
	for _, c := range resp.GetCircles() {
		ids := []string{}
		for _, r := range c.GetResponders() {
			ids = append(ids, r.GetResponder())
		}
		out[c.GetMaxEtaSeconds()] = ids
	}
	return out
}

func TestFindRespondersCircles(t *testing.T) {
	e := newPresenceEnv(t)
	e.placeScene(t)
	tests := []struct {
		name string
		req  *gridwatchv1.FindRespondersRequest
		want map[int32][]string
	}{
		{"all", nil, map[int32][]string{
			60:  {"responders/w1", "responders/w2"},
			180: {"responders/w3"},
			300: {"responders/b1", "responders/p1"},
		}},
		{"patrol officers", &gridwatchv1.FindRespondersRequest{Point: scene,
			Kinds: []gridwatchv1.ResponderKind{gridwatchv1.ResponderKind_RESPONDER_KIND_PATROL_OFFICER}},
			map[int32][]string{60: {}, 180: {}, 300: {"responders/p1"}}},
		{"one per circle", &gridwatchv1.FindRespondersRequest{Point: scene, LimitPerCircle: 1},
			map[int32][]string{60: {"responders/w1"}, 180: {"responders/w3"}, 300: {"responders/b1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.mustFind(t, "dispatcher", tt.req)
			var bounds []int32
			for _, c := range resp.GetCircles() {
				bounds = append(bounds, c.GetMaxEtaSeconds())
			}
			if want := []int32{60, 180, 300}; !slices.Equal(bounds, want) {
				t.Errorf("circles: got %v, want %v", bounds, want)
			}
			got := circleIDs(resp)
			for bound, ids := range tt.want {
				if !slices.Equal(got[bound], ids) {
					t.Errorf("circle %d: got %v, want %v", bound, got[bound], ids)
				}
			}
		})
	}
}

func TestFindRespondersEntries(t *testing.T) {
	e := newPresenceEnv(t)
	e.placeScene(t)
	p1 := e.mustFind(t, "dispatcher", nil).GetCircles()[2].GetResponders()[1]
	if p1.GetKind() != gridwatchv1.ResponderKind_RESPONDER_KIND_PATROL_OFFICER ||
		p1.GetTravelMode() != gridwatchv1.TravelMode_TRAVEL_MODE_CAR ||
		p1.GetDistanceM() < 1499 || p1.GetDistanceM() > 1501 ||
		p1.GetEtaSeconds() < 233 || p1.GetEtaSeconds() > 235 {
		t.Errorf("p1: got %v, want a patrol car 1,500 m and 234 s away", p1)
	}
}

// Precise positions go to dispatchers only; the other roles that may
// search see resolution-7 cells. Volunteers, and whoever names an unknown
// role (a volunteer), may not search at all.
func TestFindRespondersPrivacy(t *testing.T) {
	e := newPresenceEnv(t)
	e.placeScene(t)
	tests := []struct {
		role    string
		precise bool
	}{
		{"dispatcher", true},
		{"DISPATCHER", true},
		{"officer", false},
		{"station_chief", false},
		{"admin", false},
	}
	for _, tt := range tests {
		t.Run("role "+tt.role, func(t *testing.T) {
			resp := e.mustFind(t, tt.role, nil)
			n := 0
			for _, c := range resp.GetCircles() {
				for _, r := range c.GetResponders() {
					n++
					checkPrecision(t, r, tt.precise)
				}
			}
			if n != 5 {
				t.Errorf("got %d responders, want 5", n)
			}
		})
	}
	for _, role := range []string{"volunteer", "chief"} {
		_, err := e.presence.FindResponders(withRole(t.Context(), role), &gridwatchv1.FindRespondersRequest{Point: scene})
		if status.Code(err) != codes.PermissionDenied {
			t.Errorf("role %s: got %v, want PermissionDenied", role, err)
		}
	}
}

// checkPrecision checks the cell and position r shows.
func checkPrecision(t *testing.T, r *gridwatchv1.RankedResponder, precise bool) {
	t.Helper()
	cell := h3.CellFromString(r.GetCell())
	if !cell.IsValid() {
		t.Fatalf("%s: cell %q is not an H3 cell", r.GetResponder(), r.GetCell())
	}
	if !precise {
		if r.GetPosition() != nil || cell.Resolution() != 7 {
			t.Errorf("%s: got position %v and a resolution-%d cell, want none and 7", r.GetResponder(), r.GetPosition(), cell.Resolution())
		}
		return
	}
	p := r.GetPosition()
	if p == nil || cell.Resolution() != 8 {
		t.Fatalf("%s: got position %v and a resolution-%d cell, want one and 8", r.GetResponder(), p, cell.Resolution())
	}
	want, err := h3.LatLngToCell(h3.NewLatLng(p.GetLatitude(), p.GetLongitude()), 8)
	if err != nil || want != cell {
		t.Errorf("%s: cell %v is not the cell of %v (%v)", r.GetResponder(), cell, p, want)
	}
}

func TestFindRespondersInvalid(t *testing.T) {
	e := newPresenceEnv(t)
	tests := []struct {
		name  string
		req   *gridwatchv1.FindRespondersRequest
		field string
	}{
		{"no point", &gridwatchv1.FindRespondersRequest{}, "point"},
		{"latitude", &gridwatchv1.FindRespondersRequest{Point: &gridwatchv1.LatLng{Latitude: 95}}, "point.latitude"},
		{"datum", &gridwatchv1.FindRespondersRequest{Point: scene, Datum: 7}, "datum"},
		{"unspecified kind", &gridwatchv1.FindRespondersRequest{Point: scene,
			Kinds: []gridwatchv1.ResponderKind{gridwatchv1.ResponderKind_RESPONDER_KIND_WATCH_VOLUNTEER, 0}}, "kinds[1]"},
		{"unknown kind", &gridwatchv1.FindRespondersRequest{Point: scene, Kinds: []gridwatchv1.ResponderKind{42}}, "kinds[0]"},
		{"negative limit", &gridwatchv1.FindRespondersRequest{Point: scene, LimitPerCircle: -1}, "limit_per_circle"},
		{"limit over 100", &gridwatchv1.FindRespondersRequest{Point: scene, LimitPerCircle: 101}, "limit_per_circle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.presence.FindResponders(withRole(t.Context(), "dispatcher"), tt.req)
			wantInvalid(t, err, tt.field)
		})
	}
}

func TestCoarseCell(t *testing.T) {
	c8, _ := h3.LatLngToCell(h3.NewLatLng(41.8, 123.4), 8)
	c7, _ := c8.Parent(7)
	c5, _ := c8.Parent(5)
	tests := []struct {
		name string
		in   h3.Cell
		want h3.Cell
	}{
		{"resolution 8", c8, c7},
		{"resolution 7", c7, c7},
		{"coarser than 7", c5, 0},
		{"none", 0, 0},
		{"not a cell", h3.Cell(12345), 0},
	}
	for _, tt := range tests {
		if got := coarseCell(tt.in); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCirclesToProtoText checks the names and cells circlesToProto slices
// out of one string against building each on its own, for both kinds of
// caller, including an empty id and cells that cannot be shown.
func TestCirclesToProtoText(t *testing.T) {
	cell8, err := h3.LatLngToCell(h3.NewLatLng(41.8, 123.43), 8)
	if err != nil {
		t.Fatal(err)
	}
	cell5, err := cell8.Parent(5)
	if err != nil {
		t.Fatal(err)
	}
	ranked := func(id string, c h3.Cell) presence.Ranked {
		return presence.Ranked{Candidate: presence.Candidate{ID: id, Cell: c}}
	}
	cs := []presence.Circle{
		{MaxETASeconds: 60, Responders: []presence.Ranked{ranked("a1", cell8), ranked("", cell8)}},
		{MaxETASeconds: 180},
		{MaxETASeconds: 300, Responders: []presence.Ranked{ranked("long-responder-id-0042", 0), ranked("b", cell5)}},
	}
	for _, role := range []Role{RoleVolunteer, RoleDispatcher} {
		resp := circlesToProto(cs, role)
		for i, c := range cs {
			got := resp.GetCircles()[i].GetResponders()
			if len(got) != len(c.Responders) {
				t.Fatalf("%s: circle %d: got %d responders, want %d", role, i, len(got), len(c.Responders))
			}
			for j, r := range c.Responders {
				wantCell := r.Cell
				if !role.SeesPositions() {
					wantCell = coarseCell(wantCell)
				}
				if got, want := got[j].GetResponder(), resourceName(responders, r.ID); got != want {
					t.Errorf("%s: circle %d #%d: name %q, want %q", role, i, j, got, want)
				}
				if got, want := got[j].GetCell(), cellString(wantCell); got != want {
					t.Errorf("%s: circle %d #%d: cell %q, want %q", role, i, j, got, want)
				}
			}
		}
	}
}
