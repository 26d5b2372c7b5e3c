package api

import (
	"strings"
	"testing"

	"github.com/uber/h3-go/v4"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

func TestDispatchEnumsMatchDomain(t *testing.T) {
	check := func(proto map[int32]string, prefix string, n int, name func(int) string) {
		t.Helper()
		if len(proto) != n {
			t.Errorf("%s: %d proto values, %d domain values", prefix, len(proto), n)
		}
		for i := 1; i < n; i++ {
			if want := prefix + strings.ToUpper(name(i)); proto[int32(i)] != want {
				t.Errorf("%s value %d: proto %s, domain %s", prefix, i, proto[int32(i)], want)
			}
		}
	}
	check(gridwatchv1.IncidentState_name, "INCIDENT_STATE_", 8, func(i int) string { return dispatch.State(i).String() })
	check(gridwatchv1.SlotState_name, "SLOT_STATE_", 5, func(i int) string { return dispatch.SlotState(i).String() })
	check(gridwatchv1.OfferState_name, "OFFER_STATE_", 7, func(i int) string { return dispatch.OfferState(i).String() })
	check(gridwatchv1.IncidentSource_name, "INCIDENT_SOURCE_", 5, func(i int) string { return dispatch.Source(i).String() })
	check(gridwatchv1.IncidentEventType_name, "INCIDENT_EVENT_TYPE_", 14, func(i int) string { return dispatch.EventType(i).String() })
}

func TestCreateIncidentIdempotent(t *testing.T) {
	e := newDispatchEnv(t, dispatch.Policy{})
	first := e.mustCreate(t, newIncident("req-1"))
	cases := []struct {
		name      string
		requestID string
		same      bool
	}{
		{"retry", "req-1", true},
		{"second retry", "req-1", true},
		{"other request", "req-2", false},
		{"no request id", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := e.mustCreate(t, newIncident(tc.requestID))
			if (got.GetName() == first.GetName()) != tc.same {
				t.Errorf("name %s, first %s, want same=%v", got.GetName(), first.GetName(), tc.same)
			}
		})
	}
	got, err := e.dispatch.GetIncident(t.Context(), &gridwatchv1.GetIncidentRequest{Name: first.GetName()})
	if err != nil {
		t.Fatalf("GetIncident: %v", err)
	}
	if got.GetState() != gridwatchv1.IncidentState_INCIDENT_STATE_DISPATCHING || got.GetRequestId() != "req-1" ||
		got.GetCell() == "" || len(got.GetTimeline()) < 2 || len(got.GetSlots()) != 2 {
		t.Errorf("GetIncident: %v", got)
	}
}

func TestCreateIncidentInvalid(t *testing.T) {
	e := newDispatchEnv(t, dispatch.Policy{})
	cases := []struct {
		name  string
		edit  func(r *gridwatchv1.CreateIncidentRequest)
		field string
	}{
		{"no incident", func(r *gridwatchv1.CreateIncidentRequest) { r.Incident = nil }, "incident"},
		{"no source", func(r *gridwatchv1.CreateIncidentRequest) { r.Incident.Source = 0 }, "incident.source"},
		{"bad source", func(r *gridwatchv1.CreateIncidentRequest) { r.Incident.Source = 99 }, "incident.source"},
		{"bad datum", func(r *gridwatchv1.CreateIncidentRequest) { r.Datum = 99 }, "datum"},
		{"no position", func(r *gridwatchv1.CreateIncidentRequest) { r.Incident.Position = nil }, "incident.position"},
		{"severity", func(r *gridwatchv1.CreateIncidentRequest) { r.Incident.Severity = 9 }, "severity"},
		{"category", func(r *gridwatchv1.CreateIncidentRequest) { r.Incident.Category = "Bad Cat" }, "category"},
		{"long request id", func(r *gridwatchv1.CreateIncidentRequest) { r.RequestId = strings.Repeat("x", 129) }, "request_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := newIncident("")
			tc.edit(req)
			_, err := e.dispatch.CreateIncident(t.Context(), req)
			wantInvalid(t, err, tc.field)
		})
	}
}

func TestGetIncidentErrors(t *testing.T) {
	e := newDispatchEnv(t, dispatch.Policy{})
	cases := []struct {
		name string
		code codes.Code
	}{
		{"incidents/nope", codes.NotFound},
		{"offers/x", codes.InvalidArgument},
		{"", codes.InvalidArgument},
	}
	for _, tc := range cases {
		_, err := e.dispatch.GetIncident(t.Context(), &gridwatchv1.GetIncidentRequest{Name: tc.name})
		if status.Code(err) != tc.code {
			t.Errorf("%q: got %v, want %v", tc.name, err, tc.code)
		}
	}
}

func TestInCells(t *testing.T) {
	c, err := h3.LatLngToCell(h3.LatLng{Lat: 41.8, Lng: 123.4}, dispatch.CellResolution)
	if err != nil {
		t.Fatal(err)
	}
	p7, _ := c.Parent(7)
	other, _ := h3.LatLngToCell(h3.LatLng{Lat: 39.9, Lng: 116.4}, 7)
	cases := []struct {
		name  string
		cells []h3.Cell
		want  bool
	}{
		{"no filter", nil, true},
		{"itself", []h3.Cell{c}, true},
		{"parent", []h3.Cell{other, p7}, true},
		{"elsewhere", []h3.Cell{other}, false},
	}
	for _, tc := range cases {
		a := watchArea{cells: dispatch.IncidentQuery{Cells: tc.cells}.Filter()}
		if got := a.inCells(c); got != tc.want {
			t.Errorf("%s: got %v", tc.name, got)
		}
	}
}
