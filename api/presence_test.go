package api

import (
	"math"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/presence"
)

// presenceRoster is the roster of the presence tests.
const presenceRoster = `id,kind,travel_mode
w1,watch_volunteer,walk
w2,watch_volunteer,walk
w3,watch_volunteer,walk
b1,safety_volunteer,bike
p1,patrol_officer,car
`

// scene is the point the presence tests search around.
var scene = &gridwatchv1.LatLng{Latitude: 41.80, Longitude: 123.40}

// metresNorth returns the point m metres north of scene.
func metresNorth(m float64) *gridwatchv1.LatLng {
	return &gridwatchv1.LatLng{Latitude: scene.GetLatitude() + m/111_195.08, Longitude: scene.GetLongitude()}
}

const (
	applied  = gridwatchv1.LocationResult_LOCATION_RESULT_APPLIED
	ignored  = gridwatchv1.LocationResult_LOCATION_RESULT_IGNORED_OLDER
	rejected = gridwatchv1.LocationResult_LOCATION_RESULT_REJECTED
)

// newPresenceEnv is newEnv with presenceRoster imported.
func newPresenceEnv(t *testing.T) *env {
	t.Helper()
	return newPresenceEnvWith(t, Config{})
}

// newPresenceEnvWith is newPresenceEnv with the API's configuration cfg.
func newPresenceEnvWith(t *testing.T, cfg Config) *env {
	t.Helper()
	e := newEnvWith(t, cfg)
	e.mustImportScope(t)
	if _, err := e.roster.ImportResponders(t.Context(), &gridwatchv1.ImportRespondersRequest{Data: presenceRoster}); err != nil {
		t.Fatalf("ImportResponders: %v", err)
	}
	return e
}

// update is a WGS-84 update at p fixed at t.
func update(p *gridwatchv1.LatLng, t time.Time) *gridwatchv1.LocationUpdate {
	return &gridwatchv1.LocationUpdate{Position: p, AccuracyM: 5, FixTime: timestamppb.New(t)}
}

// mustPlace starts the shift of each responder and reports its position.
func (e *env) mustPlace(t *testing.T, at map[string]*gridwatchv1.LatLng) {
	t.Helper()
	req := &gridwatchv1.BatchReportLocationsRequest{}
	for id, p := range at {
		if _, err := e.presence.StartShift(t.Context(), &gridwatchv1.StartShiftRequest{Responder: "responders/" + id}); err != nil {
			t.Fatalf("StartShift %s: %v", id, err)
		}
		req.Reports = append(req.Reports, &gridwatchv1.LocationReport{Responder: "responders/" + id, Update: update(p, time.Now())})
	}
	resp, err := e.presence.BatchReportLocations(t.Context(), req)
	if err != nil {
		t.Fatalf("BatchReportLocations: %v", err)
	}
	for i, r := range resp.GetResults() {
		if r != applied {
			t.Fatalf("placing %s: %v %s", req.Reports[i].GetResponder(), r, resp.GetErrors()[i])
		}
	}
}

func TestShiftLifecycle(t *testing.T) {
	e := newPresenceEnv(t)
	ctx := t.Context()
	s, err := e.presence.StartShift(ctx, &gridwatchv1.StartShiftRequest{Responder: "responders/w1"})
	if err != nil {
		t.Fatalf("StartShift: %v", err)
	}
	if s.GetResponder() != "responders/w1" || s.GetStatus() != gridwatchv1.ResponderStatus_RESPONDER_STATUS_AVAILABLE ||
		time.Since(s.GetStartTime().AsTime()) > time.Minute {
		t.Errorf("StartShift: got %v", s)
	}
	again, err := e.presence.StartShift(ctx, &gridwatchv1.StartShiftRequest{Responder: "responders/w1"})
	if err != nil || !again.GetStartTime().AsTime().Equal(s.GetStartTime().AsTime()) {
		t.Errorf("StartShift again: got %v, %v, want the open shift", again, err)
	}
	busy, err := e.presence.SetResponderStatus(ctx, &gridwatchv1.SetResponderStatusRequest{
		Responder: "responders/w1", Status: gridwatchv1.ResponderStatus_RESPONDER_STATUS_BUSY})
	if err != nil || busy.GetStatus() != gridwatchv1.ResponderStatus_RESPONDER_STATUS_BUSY {
		t.Errorf("SetResponderStatus: got %v, %v, want BUSY", busy, err)
	}
	ended, err := e.presence.EndShift(ctx, &gridwatchv1.EndShiftRequest{Responder: "responders/w1"})
	if err != nil || ended.GetStatus() != gridwatchv1.ResponderStatus_RESPONDER_STATUS_OFF_DUTY ||
		!ended.GetStartTime().AsTime().Equal(s.GetStartTime().AsTime()) {
		t.Errorf("EndShift: got %v, %v, want OFF_DUTY with the start time", ended, err)
	}
	_, err = e.presence.EndShift(ctx, &gridwatchv1.EndShiftRequest{Responder: "responders/w1"})
	if got := status.Code(err); got != codes.FailedPrecondition {
		t.Errorf("EndShift off shift: got %v (%v), want FailedPrecondition", got, err)
	}
}

func TestShiftErrors(t *testing.T) {
	e := newPresenceEnv(t)
	ctx := t.Context()
	tests := []struct {
		name  string
		call  func() error
		code  codes.Code
		field string
	}{
		{"start without name", func() error {
			return ignore(e.presence.StartShift(ctx, &gridwatchv1.StartShiftRequest{}))
		}, codes.InvalidArgument, "responder"},
		{"start with a grid name", func() error {
			return ignore(e.presence.StartShift(ctx, &gridwatchv1.StartShiftRequest{Responder: "policeGrids/a"}))
		}, codes.InvalidArgument, "responder"},
		{"start off the roster", func() error {
			return ignore(e.presence.StartShift(ctx, &gridwatchv1.StartShiftRequest{Responder: "responders/nobody"}))
		}, codes.NotFound, ""},
		{"end with a space", func() error {
			return ignore(e.presence.EndShift(ctx, &gridwatchv1.EndShiftRequest{Responder: "responders/a b"}))
		}, codes.InvalidArgument, "responder"},
		{"status off duty", func() error {
			return ignore(e.presence.SetResponderStatus(ctx, &gridwatchv1.SetResponderStatusRequest{
				Responder: "responders/w1", Status: gridwatchv1.ResponderStatus_RESPONDER_STATUS_OFF_DUTY}))
		}, codes.InvalidArgument, "status"},
		{"status unset", func() error {
			return ignore(e.presence.SetResponderStatus(ctx, &gridwatchv1.SetResponderStatusRequest{Responder: "responders/w1"}))
		}, codes.InvalidArgument, "status"},
		{"status off shift", func() error {
			return ignore(e.presence.SetResponderStatus(ctx, &gridwatchv1.SetResponderStatusRequest{
				Responder: "responders/w2", Status: gridwatchv1.ResponderStatus_RESPONDER_STATUS_BUSY}))
		}, codes.FailedPrecondition, ""},
		{"own grid bad day", func() error {
			return ignore(e.presence.GetOwnGridTime(ctx, &gridwatchv1.GetOwnGridTimeRequest{Responder: "responders/w1", Day: "21/11/2026"}))
		}, codes.InvalidArgument, "day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.code == codes.InvalidArgument {
				wantInvalid(t, err, tt.field)
				return
			}
			if got := status.Code(err); got != tt.code {
				t.Errorf("got %v (%v), want %v", got, err, tt.code)
			}
		})
	}
}

func TestGetOwnGridTime(t *testing.T) {
	e := newPresenceEnv(t)
	got, err := e.presence.GetOwnGridTime(t.Context(), &gridwatchv1.GetOwnGridTimeRequest{Responder: "responders/w1"})
	if err != nil {
		t.Fatal(err)
	}
	if got.GetResponder() != "responders/w1" || len(got.GetDay()) != len("2006-01-02") || got.GetShare() != 0 {
		t.Errorf("today: got %v", got)
	}
	got, err = e.presence.GetOwnGridTime(t.Context(), &gridwatchv1.GetOwnGridTimeRequest{Responder: "responders/w1", Day: "2026-11-01"})
	if err != nil || got.GetDay() != "2026-11-01" {
		t.Errorf("a day: got %v, %v", got, err)
	}
}

// checkReportTime is the fix time of checkReportTests' updates.
var checkReportTime = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

// checkReportTests edit a good update; field is the field the error must
// name, "" for none.
var checkReportTests = []struct {
	name      string
	responder string
	edit      func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate
	field     string
}{
	{"good", "responders/w1", func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate { return u }, ""},
	{"no responder", "", func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate { return u }, "responder"},
	{"bare id", "w1", func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate { return u }, "responder"},
	{"no update", "responders/w1", func(*gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate { return nil }, "update"},
	{"no position", "responders/w1", func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate {
		u.Position = nil
		return u
	}, "update.position"},
	{"NaN latitude", "responders/w1", func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate {
		u.Position = &gridwatchv1.LatLng{Latitude: math.NaN(), Longitude: 123.4}
		return u
	}, "update.position.latitude"},
	{"longitude out of range", "responders/w1", func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate {
		u.Position = &gridwatchv1.LatLng{Latitude: 41.8, Longitude: 181}
		return u
	}, "update.position.longitude"},
	{"unknown datum", "responders/w1", func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate {
		u.Datum = 9
		return u
	}, "update.datum"},
	{"negative accuracy", "responders/w1", func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate {
		u.AccuracyM = -1
		return u
	}, "update.accuracy_m"},
	{"infinite accuracy", "responders/w1", func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate {
		u.AccuracyM = math.Inf(1)
		return u
	}, "update.accuracy_m"},
	{"no fix time", "responders/w1", func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate {
		u.FixTime = nil
		return u
	}, "update.fix_time"},
	{"bad fix time", "responders/w1", func(u *gridwatchv1.LocationUpdate) *gridwatchv1.LocationUpdate {
		u.FixTime = &timestamppb.Timestamp{Seconds: 1, Nanos: -1}
		return u
	}, "update.fix_time"},
}

func TestCheckReport(t *testing.T) {
	for _, tt := range checkReportTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checkReport(tt.responder, tt.edit(update(scene, checkReportTime)))
			if tt.field == "" {
				want := presence.Update{ResponderID: "w1", Position: latLngFromProto(scene), AccuracyM: 5, FixTime: checkReportTime}
				if err != nil || got != want {
					t.Errorf("got %+v, %v, want %+v", got, err, want)
				}
				return
			}
			wantInvalid(t, toStatus(err), tt.field)
		})
	}
}

func TestCheckReportConvertsDatum(t *testing.T) {
	u := update(&gridwatchv1.LatLng{Latitude: 41.7962, Longitude: 123.4510}, time.Now())
	u.Datum = gridwatchv1.Datum_DATUM_GCJ02
	got, err := checkReport("responders/w1", u)
	if err != nil {
		t.Fatal(err)
	}
	// GCJ-02 lies some hundreds of metres off WGS-84 in Shenyang.
	if d := math.Hypot(got.Position.Lat-41.7962, got.Position.Lng-123.4510); d < 0.001 || d > 0.02 {
		t.Errorf("converted position %v is %g° from the GCJ-02 one, want a datum shift", got.Position, d)
	}
}
