package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/store/memory"
)

var errAuditDown = errors.New("audit store down")

// auditStore is a memory trail whose appends fail when told to.
type auditStore struct {
	*memory.Audit
	down         atomic.Bool // every append fails
	failOutcomes atomic.Bool // appends of outcome records fail
}

func (s *auditStore) Append(ctx context.Context, r audit.Record) (audit.Record, error) {
	if s.down.Load() || s.failOutcomes.Load() && r.Outcome != "" {
		return audit.Record{}, errAuditDown
	}
	return s.Audit.Append(ctx, r)
}

// newAuditEnv is newDispatchEnv recording the trail in the returned store.
func newAuditEnv(t *testing.T) (*env, *auditStore) {
	t.Helper()
	st := &auditStore{Audit: memory.NewAudit()}
	return newDispatchEnvAudit(t, dispatch.Policy{}, audit.NewRecorder(st, nil)), st
}

// mustListAudit lists every record req selects, as an admin.
func (e *env) mustListAudit(t *testing.T, req *gridwatchv1.ListAuditRecordsRequest) []*gridwatchv1.AuditRecord {
	t.Helper()
	var out []*gridwatchv1.AuditRecord
	for {
		resp, err := e.audit.ListAuditRecords(withRole(t.Context(), "admin"), req)
		if err != nil {
			t.Fatalf("ListAuditRecords: %v", err)
		}
		out = append(out, resp.GetAuditRecords()...)
		if resp.GetNextPageToken() == "" {
			return out
		}
		req.PageToken = resp.GetNextPageToken()
	}
}

// auditOf lists the records of action, newest first.
func (e *env) auditOf(t *testing.T, action string) []*gridwatchv1.AuditRecord {
	t.Helper()
	return e.mustListAudit(t, &gridwatchv1.ListAuditRecordsRequest{Action: action})
}

// sceneCell is the audit cell of scene.
func sceneCell() string { return cellOf(scene.GetLatitude(), scene.GetLongitude()).String() }

func TestAuditMutation(t *testing.T) {
	e, _ := newAuditEnv(t)
	inc, err := e.dispatch.CreateIncident(withRole(t.Context(), "dispatcher"), newIncident("req-1"))
	if err != nil {
		t.Fatal(err)
	}
	recs := e.auditOf(t, "dispatch.CreateIncident")
	if len(recs) != 2 {
		t.Fatalf("%d records of CreateIncident, want the attempt and the outcome: %v", len(recs), recs)
	}
	out, attempt := recs[0], recs[1]
	if attempt.GetRole() != "dispatcher" || !slices.Equal(attempt.GetObjects(), []string{"incidents"}) ||
		attempt.GetCell() != sceneCell() || attempt.GetOutcome() != "" || attempt.GetAttempt() != "" {
		t.Errorf("attempt %v; want dispatcher, [incidents], cell %s, no outcome", attempt, sceneCell())
	}
	if out.GetOutcome() != "OK" || out.GetAttempt() != attempt.GetName() || out.GetCell() != sceneCell() ||
		!slices.Equal(out.GetObjects(), []string{"incidents", inc.GetName()}) {
		t.Errorf("outcome %v; want OK of %s naming %s", out, attempt.GetName(), inc.GetName())
	}
	if !out.GetRecordTime().AsTime().After(time.Now().Add(-time.Minute)) {
		t.Errorf("record time %v", out.GetRecordTime().AsTime())
	}
}

func TestAuditMutationOutcomes(t *testing.T) {
	e, _ := newAuditEnv(t)
	inc := e.mustCreate(t, newIncident(""))
	// Calls the authorizer refuses never reach the trail: these are
	// allowed, and end as their handler says.
	w1 := asResponder(t.Context(), "w1")
	calls := []struct {
		action  string
		ctx     context.Context
		role    string
		call    func(ctx context.Context) error
		objects []string
		outcome string
	}{
		{"dispatch.CancelIncident", withRole(t.Context(), "dispatcher"), "dispatcher", func(ctx context.Context) error {
			_, err := e.dispatch.CancelIncident(ctx, &gridwatchv1.CancelIncidentRequest{Name: inc.GetName()})
			return err
		}, []string{inc.GetName()}, "OK"},
		{"dispatch.AcceptOffer", w1, "volunteer", func(ctx context.Context) error {
			_, err := e.dispatch.AcceptOffer(ctx, &gridwatchv1.AcceptOfferRequest{Name: "offers/nope", Responder: "responders/w1"})
			return err
		}, []string{"offers/nope", "responders/w1"}, "NOT_FOUND"},
		{"presence.StartShift", w1, "volunteer", func(ctx context.Context) error {
			_, err := e.presence.StartShift(ctx, &gridwatchv1.StartShiftRequest{Responder: "responders/w1"})
			return err
		}, []string{"responders/w1"}, "OK"},
		{"grid.ImportUnits", t.Context(), "admin", func(ctx context.Context) error {
			_, err := e.grids.ImportUnits(ctx, &gridwatchv1.ImportUnitsRequest{Data: "nonsense"})
			return err
		}, []string{"units"}, "INVALID_ARGUMENT"},
	}
	for _, c := range calls {
		_ = c.call(c.ctx)
		recs := e.auditOf(t, c.action)
		if len(recs) < 2 {
			t.Fatalf("%s: %d records, want 2", c.action, len(recs))
		}
		out, attempt := recs[0], recs[1]
		if !slices.Equal(attempt.GetObjects(), c.objects) || attempt.GetRole() != c.role {
			t.Errorf("%s attempt %v, want objects %v by a %s", c.action, attempt, c.objects, c.role)
		}
		if out.GetOutcome() != c.outcome || out.GetAttempt() != attempt.GetName() {
			t.Errorf("%s outcome %q of %s, want %s of %s", c.action, out.GetOutcome(), out.GetAttempt(),
				c.outcome, attempt.GetName())
		}
	}
}

func TestAuditPositionReads(t *testing.T) {
	e, _ := newAuditEnv(t)
	e.placeScene(t)
	if n := len(e.auditOf(t, "presence.BatchReportLocations")); n != 0 {
		t.Errorf("%d records of position reports, want none", n)
	}
	for _, role := range []string{"officer", "station_chief", "admin"} { // volunteers may not search
		e.mustFind(t, role, nil)
	}
	if n := len(e.auditOf(t, "presence.FindResponders")); n != 0 {
		t.Errorf("%d records of FindResponders by roles that see no position, want none", n)
	}
	resp := e.mustFind(t, "dispatcher", nil)
	var shown []string
	for _, c := range resp.GetCircles() {
		for _, r := range c.GetResponders() {
			shown = append(shown, r.GetResponder())
		}
	}
	recs := e.auditOf(t, "presence.FindResponders")
	if len(recs) != 1 || recs[0].GetRole() != "dispatcher" || recs[0].GetCell() != sceneCell() ||
		!slices.Equal(recs[0].GetObjects(), shown) || len(shown) != 5 {
		t.Fatalf("FindResponders records %v; want one by the dispatcher naming %v in %s", recs, shown, sceneCell())
	}
	inc := e.mustCreate(t, newIncident(""))
	req := &gridwatchv1.ListCandidatesRequest{Incident: inc.GetName()}
	if _, err := e.dispatch.ListCandidates(withRole(t.Context(), "admin"), req); err != nil {
		t.Fatal(err)
	}
	if n := len(e.auditOf(t, "dispatch.ListCandidates")); n != 0 {
		t.Errorf("%d records of an admin's ListCandidates (cells only), want none", n)
	}
	if _, err := e.dispatch.ListCandidates(withRole(t.Context(), "dispatcher"), req); err != nil {
		t.Fatal(err)
	}
	recs = e.auditOf(t, "dispatch.ListCandidates")
	want := []string{inc.GetName(), "responders/w1", "responders/w2", "responders/w3", "responders/b1", "responders/p1"}
	if len(recs) != 1 || !slices.Equal(recs[0].GetObjects(), want) || recs[0].GetCell() != sceneCell() {
		t.Errorf("ListCandidates records %v; want one naming %v in %s", recs, want, sceneCell())
	}
}

func TestAuditListPermission(t *testing.T) {
	e, _ := newAuditEnv(t)
	for _, role := range []string{"volunteer", "officer", "station_chief", "dispatcher"} {
		_, err := e.audit.ListAuditRecords(withRole(t.Context(), role), &gridwatchv1.ListAuditRecordsRequest{})
		if status.Code(err) != codes.PermissionDenied {
			t.Errorf("ListAuditRecords as %q: %v, want PERMISSION_DENIED", role, err)
		}
	}
	if recs := e.mustListAudit(t, &gridwatchv1.ListAuditRecordsRequest{}); len(recs) == 0 {
		t.Error("an admin lists nothing; the env's imports are recorded")
	}
}

// TestAuditUnavailable: with the trail failing, a mutation fails
// UNAVAILABLE and changes nothing, a dispatcher's search sends nothing,
// and what is not audited still works.
func TestAuditUnavailable(t *testing.T) {
	e, st := newAuditEnv(t)
	e.placeScene(t)
	st.down.Store(true)
	disp := withRole(t.Context(), "dispatcher")
	_, err := e.dispatch.CreateIncident(disp, newIncident("req-1"))
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("CreateIncident with the trail down: %v, want UNAVAILABLE", err)
	}
	list, err := e.dispatch.ListIncidents(disp, &gridwatchv1.ListIncidentsRequest{})
	if err != nil || len(list.GetIncidents()) != 0 {
		t.Errorf("ListIncidents: %v, %v; want no incident", list.GetIncidents(), err)
	}
	if _, err := e.presence.FindResponders(disp, &gridwatchv1.FindRespondersRequest{Point: scene}); status.Code(err) != codes.Unavailable {
		t.Errorf("a dispatcher's FindResponders with the trail down: %v, want UNAVAILABLE", err)
	}
	_, err = e.presence.EndShift(t.Context(), &gridwatchv1.EndShiftRequest{Responder: "responders/w1"})
	if status.Code(err) != codes.Unavailable {
		t.Errorf("EndShift: %v, want UNAVAILABLE", err)
	}
	e.mustFind(t, "officer", nil) // cells only: not audited
	if got := circleIDs(e.mustFind(t, "officer", nil))[60]; !slices.Contains(got, "responders/w1") {
		t.Errorf("w1 is off shift after a refused EndShift: circle %v", got)
	}
	st.down.Store(false)
	e.mustCreate(t, newIncident("req-1"))
}

// TestAuditOutcomeBestEffort: an outcome record that cannot be written is
// logged, and the call's result stands: its attempt is in the trail.
func TestAuditOutcomeBestEffort(t *testing.T) {
	e, st := newAuditEnv(t)
	st.failOutcomes.Store(true)
	inc := e.mustCreate(t, newIncident(""))
	recs := e.auditOf(t, "dispatch.CreateIncident")
	if len(recs) != 1 || recs[0].GetOutcome() != "" {
		t.Errorf("records %v, want the attempt alone", recs)
	}
	if _, err := e.dispatch.GetIncident(t.Context(), &gridwatchv1.GetIncidentRequest{Name: inc.GetName()}); err != nil {
		t.Errorf("GetIncident: %v", err)
	}
}

func TestListAuditRecordsRequest(t *testing.T) {
	e, _ := newAuditEnv(t)
	for range 3 {
		e.mustCreate(t, newIncident(""))
	}
	all := e.mustListAudit(t, &gridwatchv1.ListAuditRecordsRequest{})
	paged := e.mustListAudit(t, &gridwatchv1.ListAuditRecordsRequest{PageSize: 2})
	if len(all) < 8 || len(paged) != len(all) {
		t.Fatalf("%d records, %d in pages of 2", len(all), len(paged))
	}
	for i := range all {
		if all[i].GetName() != paged[i].GetName() {
			t.Fatalf("record %d: %s in one page, %s in pages of 2", i, all[i].GetName(), paged[i].GetName())
		}
	}
	first, err := e.audit.ListAuditRecords(withRole(t.Context(), "admin"), &gridwatchv1.ListAuditRecordsRequest{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	now := timestamppb.Now()
	tests := []struct {
		name  string
		req   *gridwatchv1.ListAuditRecordsRequest
		field string
	}{
		{"negative page size", &gridwatchv1.ListAuditRecordsRequest{PageSize: -1}, "page_size"},
		{"token of another filter", &gridwatchv1.ListAuditRecordsRequest{Actor: "x", PageToken: first.GetNextPageToken()}, "page_token"},
		{"garbage token", &gridwatchv1.ListAuditRecordsRequest{PageToken: "!!"}, "page_token"},
		{"end before start", &gridwatchv1.ListAuditRecordsRequest{StartTime: now, EndTime: now}, "end_time"},
		{"bad time", &gridwatchv1.ListAuditRecordsRequest{StartTime: &timestamppb.Timestamp{Nanos: -1}}, "start_time"},
		{"long object", &gridwatchv1.ListAuditRecordsRequest{Object: string(make([]byte, 300))}, "object"},
	}
	for _, tt := range tests {
		_, err := e.audit.ListAuditRecords(withRole(t.Context(), "admin"), tt.req)
		if status.Code(err) != codes.InvalidArgument || !slices.Contains(fieldViolationsOf(err), tt.field) {
			t.Errorf("%s: %v, want INVALID_ARGUMENT on %s", tt.name, err, tt.field)
		}
	}
	since := e.mustListAudit(t, &gridwatchv1.ListAuditRecordsRequest{StartTime: all[2].GetRecordTime()})
	for _, r := range since {
		if r.GetRecordTime().AsTime().Before(all[2].GetRecordTime().AsTime()) {
			t.Errorf("record %s of %v listed since %v", r.GetName(), r.GetRecordTime().AsTime(), all[2].GetRecordTime().AsTime())
		}
	}
}

// TestAuditRulesCoverEveryMethod: every method of every service has a
// rule, and every rule a method: a new RPC must say how it is audited.
func TestAuditRulesCoverEveryMethod(t *testing.T) {
	methods := map[string]bool{} // full name → streaming
	protoregistry.GlobalFiles.RangeFilesByPackage("gridwatch.v1", func(f protoreflect.FileDescriptor) bool {
		for i := range f.Services().Len() {
			s := f.Services().Get(i)
			for j := range s.Methods().Len() {
				m := s.Methods().Get(j)
				methods["/"+string(s.FullName())+"/"+string(m.Name())] = m.IsStreamingClient() || m.IsStreamingServer()
			}
		}
		return true
	})
	if len(methods) < 36 {
		t.Fatalf("found %d methods; the descriptors were not all read", len(methods))
	}
	for m, streaming := range methods {
		r, ok := auditRules[m]
		switch {
		case !ok:
			t.Errorf("%s has no audit rule", m)
		case streaming && r.kind != auditRead && r.kind != auditExempt:
			t.Errorf("%s is a stream, which the audit interceptor (unary only) cannot record: rule %d", m, r.kind)
		}
	}
	for m := range auditRules {
		if _, ok := methods[m]; !ok {
			t.Errorf("audit rule of %s, which is no method", m)
		}
	}
}

func TestActionName(t *testing.T) {
	tests := map[string]string{
		"/gridwatch.v1.DispatchService/CreateIncident": "dispatch.CreateIncident",
		"/gridwatch.v1.GridService/ImportGrids":        "grid.ImportGrids",
		"/gridwatch.v1.AuditService/ListAuditRecords":  "audit.ListAuditRecords",
		"/Plain/M": "plain.M",
		"odd":      "odd",
	}
	for in, want := range tests {
		if got := actionName(in); got != want {
			t.Errorf("actionName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGatewayAuditRecords lists the trail over HTTP/JSON, with a time range
// in RFC 3339 query parameters.
func TestGatewayAuditRecords(t *testing.T) {
	e, _ := newAuditEnv(t)
	e.mustCreate(t, newIncident(""))
	mux := runtime.NewServeMux()
	if err := RegisterGateway(t.Context(), mux, e.conn); err != nil {
		t.Fatal(err)
	}
	get := func(role, query string) (int, []byte) {
		req := httptest.NewRequestWithContext(t.Context(), "GET", "/v1/auditRecords?"+query, nil)
		req.Header.Set("Authorization", "Bearer "+tokenFor(testPrincipal(role)))
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	since := url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339))
	code, body := get("admin", "action=dispatch.CreateIncident&start_time="+since+"&page_size=1")
	var resp gridwatchv1.ListAuditRecordsResponse
	if err := protojson.Unmarshal(body, &resp); code != http.StatusOK || err != nil {
		t.Fatalf("GET as admin: %d %s (%v)", code, body, err)
	}
	if len(resp.GetAuditRecords()) != 1 || resp.GetAuditRecords()[0].GetOutcome() != "OK" || resp.GetNextPageToken() == "" {
		t.Errorf("GET as admin: %v, want the outcome of CreateIncident and a next page", &resp)
	}
	if code, body := get("dispatcher", ""); code != http.StatusForbidden {
		t.Errorf("GET as dispatcher: %d %s, want 403", code, body)
	}
	if code, body := get("admin", "start_time=yesterday"); code != http.StatusBadRequest {
		t.Errorf("GET with a bad time: %d %s, want 400", code, body)
	}
}

// TestAuditOtherServices: the server's other services (health, reflection)
// pass unrecorded, even with the trail down; an API method without a rule
// is recorded as a change.
func TestAuditOtherServices(t *testing.T) {
	st := &auditStore{Audit: memory.NewAudit()}
	st.down.Store(true)
	unary := auditUnary(Config{Audit: audit.NewRecorder(st, nil)})[0]
	ran := false
	handler := func(context.Context, any) (any, error) { ran = true; return "ok", nil }
	for _, m := range []string{"/grpc.health.v1.Health/Check", "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"} {
		ran = false
		if _, err := unary(t.Context(), nil, &grpc.UnaryServerInfo{FullMethod: m}, handler); err != nil || !ran {
			t.Errorf("%s with the trail down: ran %v, %v; want it run", m, ran, err)
		}
	}
	ran = false
	_, err := unary(t.Context(), nil, &grpc.UnaryServerInfo{FullMethod: "/gridwatch.v1.GridService/NewThing"}, handler)
	if status.Code(err) != codes.Unavailable || ran {
		t.Errorf("an API method without a rule, trail down: ran %v, %v; want UNAVAILABLE, not run", ran, err)
	}
}
