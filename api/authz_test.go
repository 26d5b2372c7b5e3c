package api

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// TestAuthorize decides calls without a server: no principal, a method
// without a rule and the public methods.
func TestAuthorize(t *testing.T) {
	a := newAuthorizer(Config{})
	admin := auth.NewContext(context.Background(), auth.Principal{Subject: "root", Role: RoleAdmin})
	tests := []struct {
		name   string
		ctx    context.Context
		method string
		denied bool
	}{
		{"no principal", context.Background(), gridwatchv1.GridService_GetGrid_FullMethodName, true},
		{"no principal, admin method", context.Background(), gridwatchv1.GridService_ImportGrids_FullMethodName, true},
		{"a gridwatch method without a rule", admin, "/gridwatch.v1.GridService/DeleteEverything", true},
		{"another package", admin, "/other.v1.Service/Method", true},
		{"health, no principal", context.Background(), "/grpc.health.v1.Health/Check", false},
		{"reflection, no principal", context.Background(), "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", false},
		{"a rule, a principal", admin, gridwatchv1.GridService_ImportGrids_FullMethodName, false},
	}
	for _, tt := range tests {
		_, _, _, err := a.authorize(tt.ctx, tt.method, nil)
		if got := errors.Is(err, errPermissionDenied); got != tt.denied {
			t.Errorf("%s: got %v, want denied %v", tt.name, err, tt.denied)
		}
	}
}

// TestAuthzNoLookups: a server without Config.Grid fails closed for the
// roles whose rules need a lookup, and still serves admins.
func TestAuthzNoLookups(t *testing.T) {
	a := newAuthorizer(Config{})
	req := &gridwatchv1.FindRespondersRequest{Point: scene}
	for _, tt := range []struct {
		p    auth.Principal
		code codes.Code
	}{
		{inScope(RoleDispatcher), codes.Internal},
		{auth.Principal{Role: RoleAdmin}, codes.OK},
	} {
		ctx := auth.NewContext(context.Background(), tt.p)
		_, _, _, err := a.authorize(ctx, gridwatchv1.PresenceService_FindResponders_FullMethodName, req)
		if got := status.Code(toStatus(err)); got != tt.code {
			t.Errorf("%s: got %v (%v), want %v", tt.p.Role, got, err, tt.code)
		}
	}
}

// TestAuthzDeniesAlike: a denial reads the same whether the object
// exists out of scope or does not exist at all (AIP-211).
func TestAuthzDeniesAlike(t *testing.T) {
	e := newAuthzEnv(t)
	far := e.create(t, farPoint, "")
	ctx := asPrincipal(t.Context(), matrixPrincipal(RoleDispatcher))
	id := strings.TrimPrefix(far.GetName(), "incidents/")
	_, err1 := e.dispatch.GetIncident(ctx, &gridwatchv1.GetIncidentRequest{Name: far.GetName()})
	_, err2 := e.dispatch.GetIncident(ctx, &gridwatchv1.GetIncidentRequest{Name: "incidents/nope"})
	if status.Code(err1) != codes.PermissionDenied || status.Code(err2) != codes.PermissionDenied {
		t.Fatalf("got %v and %v, want PermissionDenied twice", err1, err2)
	}
	if m1, m2 := statusMessage(err1), statusMessage(err2); strings.ReplaceAll(m1, id, "nope") != m2 {
		t.Errorf("messages differ: %q / %q", m1, m2)
	}
}

// TestListIncidentsScoped pages through a dispatcher's incidents: only
// those of their district, in order, whatever the page size, although
// most of the newest incidents lie elsewhere.
func TestListIncidentsScoped(t *testing.T) {
	e := newAuthzEnv(t)
	var own []string
	for i := range 12 {
		p := farPoint
		if i%4 == 0 {
			p = ownPoint
		}
		inc := e.create(t, p, "")
		if p == ownPoint {
			own = append([]string{inc.GetName()}, own...) // newest first
		}
	}
	ctx := asPrincipal(t.Context(), matrixPrincipal(RoleDispatcher))
	for _, size := range []int32{1, 2, 5} {
		var got []string
		req := &gridwatchv1.ListIncidentsRequest{PageSize: size}
		for range 50 {
			resp, err := e.dispatch.ListIncidents(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, inc := range resp.GetIncidents() {
				got = append(got, inc.GetName())
			}
			if req.PageToken = resp.GetNextPageToken(); req.PageToken == "" {
				break
			}
		}
		if !slices.Equal(got, own) {
			t.Errorf("page size %d: listed %v, want %v", size, got, own)
		}
	}
}

// TestPrecisePositionsOnShiftOnly: a dispatcher sees a responder's
// position while the responder is on shift, and nothing of it after.
func TestPrecisePositionsOnShiftOnly(t *testing.T) {
	e := newAuthzEnv(t)
	e.ready(t, "v-own")
	ctx := asPrincipal(t.Context(), matrixPrincipal(RoleDispatcher))
	find := func() []*gridwatchv1.RankedResponder {
		resp, err := e.presence.FindResponders(ctx, &gridwatchv1.FindRespondersRequest{Point: ownPoint})
		if err != nil {
			t.Fatal(err)
		}
		var rs []*gridwatchv1.RankedResponder
		for _, c := range resp.GetCircles() {
			rs = append(rs, c.GetResponders()...)
		}
		return rs
	}
	if rs := find(); len(rs) != 1 || rs[0].GetPosition() == nil {
		t.Fatalf("on shift: got %v, want v-own with a position", rs)
	}
	if _, err := e.presence.EndShift(e.admin, &gridwatchv1.EndShiftRequest{Responder: "responders/v-own"}); err != nil {
		t.Fatal(err)
	}
	if rs := find(); len(rs) != 0 {
		t.Errorf("off shift: got %v, want nobody", rs)
	}
}

// TestReportLocationsForeignEndsStream: a volunteer's stream that names
// another responder ends PERMISSION_DENIED at that update; the updates
// before it stand, the one naming the other responder changes nothing.
func TestReportLocationsForeignEndsStream(t *testing.T) {
	e := newAuthzEnv(t)
	e.ready(t, "v-own")
	e.ready(t, "v-other", farPoint)
	st, err := e.presence.ReportLocations(asResponder(t.Context(), "v-own"))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range []string{"responders/v-own", "responders/v-other"} {
		if err := st.Send(&gridwatchv1.ReportLocationsRequest{Responder: r, Sequence: int64(i),
			Update: update(ownPoint, time.Now())}); err != nil {
			break // the server ended the stream; Recv has its status
		}
	}
	_ = st.CloseSend()
	acks, err := recvAll(st)
	if status.Code(err) != codes.PermissionDenied || len(acks) > 1 {
		t.Fatalf("got acks %v and %v, want at most v-own's and PermissionDenied", acks, err)
	}
	resp, err := e.presence.FindResponders(asPrincipal(t.Context(), testOperator), &gridwatchv1.FindRespondersRequest{Point: farPoint})
	if err != nil {
		t.Fatal(err)
	}
	if ids := circleIDs(resp)[60]; !slices.Contains(ids, "responders/v-other") {
		t.Errorf("v-other moved: near farPoint got %v", circleIDs(resp))
	}
}

// TestOutputOnlyFieldsRejected: a field the caller may not set is
// rejected, naming it, not silently ignored.
func TestOutputOnlyFieldsRejected(t *testing.T) {
	e := newAuthzEnv(t)
	base := func() *gridwatchv1.Incident {
		return &gridwatchv1.Incident{Category: "noise", Severity: 2, Position: ownPoint,
			Source: gridwatchv1.IncidentSource_INCIDENT_SOURCE_CONSOLE}
	}
	incidents := []struct {
		field string
		set   func(*gridwatchv1.Incident)
	}{
		{"incident.name", func(i *gridwatchv1.Incident) { i.Name = "incidents/mine" }},
		{"incident.cell", func(i *gridwatchv1.Incident) { i.Cell = "893025d5a43ffff" }},
		{"incident.state", func(i *gridwatchv1.Incident) { i.State = gridwatchv1.IncidentState_INCIDENT_STATE_CLOSED }},
		{"incident.create_time", func(i *gridwatchv1.Incident) { i.CreateTime = timestamppb.Now() }},
		{"incident.request_id", func(i *gridwatchv1.Incident) { i.RequestId = "x" }},
		{"incident.slots", func(i *gridwatchv1.Incident) { i.Slots = []*gridwatchv1.Slot{{}} }},
		{"incident.offers", func(i *gridwatchv1.Incident) { i.Offers = []*gridwatchv1.Offer{{}} }},
		{"incident.assignments", func(i *gridwatchv1.Incident) { i.Assignments = []*gridwatchv1.Assignment{{}} }},
		{"incident.timeline", func(i *gridwatchv1.Incident) { i.Timeline = []*gridwatchv1.IncidentEvent{{}} }},
	}
	for _, tt := range incidents {
		inc := base()
		tt.set(inc)
		_, err := e.dispatch.CreateIncident(e.admin, &gridwatchv1.CreateIncidentRequest{Incident: inc})
		wantInvalid(t, err, tt.field)
	}
	resp, err := e.dispatch.ListIncidents(e.admin, &gridwatchv1.ListIncidentsRequest{})
	if err != nil || len(resp.GetIncidents()) != 0 {
		t.Errorf("rejected creates stored %v (%v)", resp.GetIncidents(), err)
	}
	grids := []struct {
		field string
		set   func(*gridwatchv1.Grid)
	}{
		{"grid.kind", func(g *gridwatchv1.Grid) { g.Kind = police }},
		{"grid.resolution", func(g *gridwatchv1.Grid) { g.Resolution = 9 }},
		{"grid.cell_count", func(g *gridwatchv1.Grid) { g.CellCount = 1 }},
		{"grid.area_km2", func(g *gridwatchv1.Grid) { g.AreaKm2 = 1 }},
	}
	for _, tt := range grids {
		g := &gridwatchv1.Grid{Name: "policeGrids/hp-p", DisplayName: "x"}
		tt.set(g)
		_, err := e.grids.UpdateGrid(e.admin, &gridwatchv1.UpdateGridRequest{Grid: g, UpdateMask: mask([]string{"display_name"})})
		wantInvalid(t, err, tt.field)
	}
	if g, err := e.grids.GetGrid(e.admin, &gridwatchv1.GetGridRequest{Name: "policeGrids/hp-p"}); err != nil || g.GetDisplayName() == "x" {
		t.Errorf("a rejected update changed the grid: %v %v", g, err)
	}
}
