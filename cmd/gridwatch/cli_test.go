package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// startServer runs the real server stack (grids, presence and dispatch)
// over the memory engines on a free port and returns its address.
func startServer(t *testing.T) string {
	t.Helper()
	addr, _ := startDispatchServer(t)
	return addr
}

// testGetenv is the environment of the CLI in tests: GRIDWATCH_ROLE is
// admin, the test operator, so that a command runs as a caller who may
// make its calls anywhere; a test of what a role may do passes --role.
func testGetenv(k string) string {
	if k == "GRIDWATCH_ROLE" {
		return "admin"
	}
	return ""
}

func run(t *testing.T, addr string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := realMain(context.Background(), append(args, "--server", addr), &out, &errb, testGetenv)
	return out.String(), err
}

func TestCLI(t *testing.T) {
	addr := startServer(t)
	dir := t.TempDir()
	geojson := dir + "/grids.geojson"
	writeFile(t, geojson, `{"type":"FeatureCollection","features":[{"type":"Feature","id":"g1","properties":{"name":"One"},
"geometry":{"type":"Polygon","coordinates":[[[123.40,41.80],[123.42,41.80],[123.42,41.82],[123.40,41.82],[123.40,41.80]]]}}]}`)
	out, err := run(t, addr, "grids", "import", geojson, "--kind", "police", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var imp map[string]any
	if err := json.Unmarshal([]byte(out), &imp); err != nil || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("-o json printed %q, want one JSON object on one line (%v)", out, err)
	}
	if imp["grid_count"] != float64(1) || imp["cell_count"] == "0" {
		t.Errorf("import: got %v", imp)
	}
	tests := []struct {
		args    []string
		want    string // in the output, or in the error
		wantErr bool
	}{
		{[]string{"grids", "locate", "41.81", "123.41"}, "One (policeGrids/g1)", false},
		{[]string{"grids", "locate", "41.81", "123.41", "-o", "json"}, `"name":"policeGrids/g1"`, false},
		{[]string{"grids", "list"}, "policeGrids/g1", false},
		{[]string{"grids", "get", "g1", "-o", "json"}, `"display_name":"One"`, false},
		{[]string{"grids", "locate", "north", "123"}, "LAT", true},
		{[]string{"grids", "locate", "91", "123"}, "InvalidArgument", true},
		{[]string{"grids", "locate", "41.8", "123.4", "--datum", "tokyo"}, "--datum", true},
		{[]string{"grids", "import", geojson, "--kind", "county"}, "--kind", true},
		{[]string{"grids", "get", "nowhere"}, "NotFound", true},
		{[]string{"grids", "list", "-o", "yaml"}, "-o", true},
	}
	for _, tt := range tests {
		out, err := run(t, addr, tt.args...)
		got := out
		if err != nil {
			got = describe(err)
		}
		if (err != nil) != tt.wantErr || !strings.Contains(got, tt.want) {
			t.Errorf("gridwatch %v: got %q (err %v), want %q", tt.args, got, err, tt.want)
		}
	}
}

func TestCLIRosterImports(t *testing.T) {
	addr := startServer(t)
	dir := t.TempDir()
	writeFile(t, dir+"/compounds.csv", "id,name,lat,lng,households\nc1,One,41.80,123.40,300\nc2,Two,41.81,123.41,80\n")
	writeFile(t, dir+"/roster.csv", "id,name,kind,compound\nv1,A,watch_volunteer,c1\nv2,B,watch_volunteer,c1\nv3,C,watch_volunteer,c2\n")
	for _, args := range [][]string{{"compounds", "import", dir + "/compounds.csv"}, {"responders", "import", dir + "/roster.csv"}} {
		if _, err := run(t, addr, args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	out, err := run(t, addr, "compounds", "understaffed", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "compounds/c2") || strings.Contains(out, "compounds/c1") {
		t.Errorf("understaffed: got %s, want c2 only", out)
	}
	out, err = run(t, addr, "responders", "list")
	if err != nil || !strings.Contains(out, "watch_volunteer") {
		t.Errorf("responders list: got %q, %v", out, err)
	}
}
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
