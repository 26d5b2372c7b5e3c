package main

import (
	"encoding/json"
	"strings"
	"testing"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// testPositions are four responders a few hundred metres north of
// 41.80,123.40: v1 40 m away on foot, v2 150 m, g1 (roster default: walk)
// 180 m, p1 by car 1.5 km.
const testPositions = `id,kind,travel_mode,lat,lng
v1,watch_volunteer,walk,41.80036,123.40
v2,watch_volunteer,walk,41.80135,123.40
g1,security_guard,,41.80162,123.40
p1,patrol_officer,car,41.81349,123.40
`

// mustJSON runs a command with -o json and decodes its one object.
func mustJSON(t *testing.T, addr string, out any, args ...string) {
	t.Helper()
	s, err := run(t, addr, append(args, "-o", "json")...)
	if err != nil {
		t.Fatalf("gridwatch %v: %v", args, describe(err))
	}
	if strings.Count(strings.TrimSpace(s), "\n") != 0 {
		t.Fatalf("gridwatch %v printed %q, want one line", args, s)
	}
	if err := json.Unmarshal([]byte(s), out); err != nil {
		t.Fatalf("gridwatch %v printed %q: %v", args, s, err)
	}
}

func TestCLIPresence(t *testing.T) {
	addr := startServer(t)
	file := t.TempDir() + "/positions.csv"
	writeFile(t, file, testPositions)
	var res positionsResult
	mustJSON(t, addr, &res, "responders", "positions", file)
	want := positionsResult{Rows: 4, AddedToRoster: 4, ShiftsStarted: 4, Applied: 4, Errors: []rowError{}}
	if res.Rows != want.Rows || res.AddedToRoster != want.AddedToRoster || res.ShiftsStarted != want.ShiftsStarted ||
		res.Applied != want.Applied || len(res.Errors) != 0 {
		t.Errorf("positions: got %+v, want %+v", res, want)
	}
	mustJSON(t, addr, &res, "responders", "positions", file)
	if res.AddedToRoster != 0 || res.ShiftsStarted != 4 || res.Applied != 4 {
		t.Errorf("positions again: got %+v, want nothing added and 4 applied", res)
	}

	var near nearestJSON
	mustJSON(t, addr, &near, "responders", "nearest", "41.80", "123.40", "--token", tokenFor(t, "dispatcher"))
	if len(near.Circles) != 3 || near.Circles[0].MaxETASeconds != 60 || len(near.Circles[0].Responders) != 1 {
		t.Fatalf("nearest: got %+v, want v1 alone in the 60 s circle", near)
	}
	v1 := near.Circles[0].Responders[0]
	if v1.ID != "v1" || v1.Kind != "watch_volunteer" || v1.TravelMode != "walk" || v1.Position == nil ||
		v1.DistanceM < 39 || v1.DistanceM > 41 {
		t.Errorf("nearest: got %+v, want v1, a walking watch volunteer 40 m away with a position", v1)
	}
	if got := circleIDs(near, 180); strings.Join(got, ",") != "v2,g1" {
		t.Errorf("180 s circle: got %v, want v2,g1", got)
	}

	near = nearestJSON{} // json.Unmarshal would keep the old positions
	mustJSON(t, addr, &near, "responders", "nearest", "41.80", "123.40", "--token", tokenFor(t, "officer"), "--kind", "patrol_officer")
	if got := circleIDs(near, 300); len(got) != 1 || got[0] != "p1" || near.Circles[2].Responders[0].Position != nil {
		t.Errorf("nearest patrol officers as an officer: got %+v, want p1 without a position", near)
	}
	if _, err := run(t, addr, "responders", "nearest", "41.80", "123.40", "--token", tokenFor(t, "volunteer")); err == nil ||
		!strings.Contains(describe(err), "PermissionDenied") {
		t.Errorf("nearest as a volunteer: got %v, want PermissionDenied", err)
	}

	checkShiftCommands(t, addr)
}

// checkShiftCommands runs status, shift end and start and own-grid on v1,
// on shift.
func checkShiftCommands(t *testing.T, addr string) {
	t.Helper()
	var shift map[string]any
	mustJSON(t, addr, &shift, "responders", "status", "v1", "busy")
	if shift["status"] != "RESPONDER_STATUS_BUSY" || shift["responder"] != "responders/v1" {
		t.Errorf("status: got %v", shift)
	}
	mustJSON(t, addr, &shift, "responders", "shift", "end", "v1")
	if shift["status"] != "RESPONDER_STATUS_OFF_DUTY" || shift["start_time"] == nil {
		t.Errorf("shift end: got %v", shift)
	}
	mustJSON(t, addr, &shift, "responders", "shift", "start", "v1")
	if shift["status"] != "RESPONDER_STATUS_AVAILABLE" {
		t.Errorf("shift start: got %v", shift)
	}
	var own map[string]any
	mustJSON(t, addr, &own, "responders", "own-grid", "v1", "--day", "2026-11-01")
	if own["day"] != "2026-11-01" || own["share"] != float64(0) {
		t.Errorf("own-grid: got %v", own)
	}
}

// circleIDs returns the ids in the circle of bound.
func circleIDs(n nearestJSON, bound int32) []string {
	var ids []string
	for _, c := range n.Circles {
		if c.MaxETASeconds == bound {
			for _, r := range c.Responders {
				ids = append(ids, r.ID)
			}
		}
	}
	return ids
}

func TestCLIPresenceErrors(t *testing.T) {
	addr := startServer(t)
	dir := t.TempDir()
	writeFile(t, dir+"/bad.csv", "id,kind,lat\nv1,watch_volunteer,41.8\n")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"responders", "nearest", "41.8", "123.4", "--kind", "wizard"}, "--kind"},
		{[]string{"responders", "nearest", "41.8", "123.4", "--role", "chief"}, "--role"},
		{[]string{"responders", "nearest", "41.8", "123.4", "--limit", "500"}, "InvalidArgument"},
		{[]string{"responders", "positions", dir + "/bad.csv"}, `missing column "lng"`},
		{[]string{"responders", "shift", "end", "v9"}, "FailedPrecondition"},
		{[]string{"responders", "shift", "start", "v9"}, "NotFound"},
		{[]string{"responders", "status", "v9", "asleep"}, "available or busy"},
		{[]string{"responders", "own-grid", "v9", "--day", "yesterday"}, "InvalidArgument"},
	}
	for _, tt := range tests {
		_, err := run(t, addr, tt.args...)
		if err == nil || !strings.Contains(describe(err), tt.want) {
			t.Errorf("gridwatch %v: got %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}

func TestParsePositions(t *testing.T) {
	tests := []struct {
		name, csv string
		want      []positionRow // ids, kinds and modes only
		wantErr   string
	}{
		{"all columns", "id,kind,travel_mode,lat,lng\na,watch_volunteer,bike,41.8,123.4\n",
			[]positionRow{{id: "a", kind: gridwatchv1.ResponderKind_RESPONDER_KIND_WATCH_VOLUNTEER, mode: gridwatchv1.TravelMode_TRAVEL_MODE_BIKE}}, ""},
		{"no travel_mode, other order", "lng,lat,kind,id\n123.4,41.8,patrol_officer,b\n",
			[]positionRow{{id: "b", kind: gridwatchv1.ResponderKind_RESPONDER_KIND_PATROL_OFFICER}}, ""},
		{"unknown column", "id,kind,lat,lng,colour\n", nil, `unknown column "colour"`},
		{"no rows", "id,kind,lat,lng\n", nil, "no rows"},
		{"bad kind", "id,kind,lat,lng\na,wizard,41.8,123.4\n", nil, "line 2 kind"},
		{"bad mode", "id,kind,travel_mode,lat,lng\na,watch_volunteer,boat,41.8,123.4\n", nil, "line 2 travel_mode"},
		{"bad number", "id,kind,lat,lng\na,watch_volunteer,north,123.4\n", nil, "line 2 lat,lng"},
		{"no id", "id,kind,lat,lng\n,watch_volunteer,41.8,123.4\n", nil, "line 2 id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePositions(strings.NewReader(tt.csv))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("got %v, %v, want %d rows", got, err, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.id != w.id || g.kind != w.kind || g.mode != w.mode || g.pos.GetLatitude() != 41.8 || g.pos.GetLongitude() != 123.4 {
					t.Errorf("row %d: got %+v, want %+v at 41.8,123.4", i, g, w)
				}
			}
		})
	}
}

func TestRosterCSV(t *testing.T) {
	rows := []positionRow{
		{id: "a", kind: gridwatchv1.ResponderKind_RESPONDER_KIND_SECURITY_GUARD},
		{id: "b,c", kind: gridwatchv1.ResponderKind_RESPONDER_KIND_PATROL_OFFICER, mode: gridwatchv1.TravelMode_TRAVEL_MODE_CAR},
	}
	want := "id,kind,travel_mode\na,security_guard,\n\"b,c\",patrol_officer,car\n"
	if got := rosterCSV(rows); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
