package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/geo"
)

// testArea has three features: "a", the square 123.0–123.1 E, 41.0–41.1
// N with the hole 123.03–123.07 E, 41.03–41.07 N; "b", the square
// 123.2–123.3 E, 41.0–41.1 N; and "c", a MultiPolygon of the two squares
// 123.4–123.5 E and 123.6–123.7 E over the same latitudes.
const testArea = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{},"geometry":{"type":"Polygon","coordinates":[
 [[123.0,41.0],[123.1,41.0],[123.1,41.1],[123.0,41.1],[123.0,41.0]],
 [[123.03,41.03],[123.03,41.07],[123.07,41.07],[123.07,41.03],[123.03,41.03]]]}},
{"type":"Feature","id":"b","properties":{},"geometry":{"type":"Polygon","coordinates":[
 [[123.2,41.0],[123.3,41.0],[123.3,41.1],[123.2,41.1],[123.2,41.0]]]}},
{"type":"Feature","id":"c","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[
 [[[123.4,41.0],[123.5,41.0],[123.5,41.1],[123.4,41.1],[123.4,41.0]]],
 [[[123.6,41.0],[123.7,41.0],[123.7,41.1],[123.6,41.1],[123.6,41.0]]]]}}]}`

// testAreaPart names where a point of testArea lies: "a", "hole", "b",
// "c1", "c2" or "outside".
func testAreaPart(p *gridwatchv1.LatLng) string {
	lat, lng := p.GetLatitude(), p.GetLongitude()
	if lat < 41.0 || lat > 41.1 {
		return "outside"
	}
	switch {
	case lng >= 123.03 && lng <= 123.07 && lat >= 41.03 && lat <= 41.07:
		return "hole"
	case lng >= 123.0 && lng <= 123.1:
		return "a"
	case lng >= 123.2 && lng <= 123.3:
		return "b"
	case lng >= 123.4 && lng <= 123.5:
		return "c1"
	case lng >= 123.6 && lng <= 123.7:
		return "c2"
	}
	return "outside"
}

func TestLoadAreaSampling(t *testing.T) {
	file := t.TempDir() + "/area.geojson"
	writeFile(t, file, testArea)
	tests := []struct {
		features []string
		want     []string // the parts points fall in, each at least once
	}{
		{nil, []string{"a", "b", "c1", "c2"}},
		{[]string{"a"}, []string{"a"}},
		{[]string{"b", "a"}, []string{"a", "b"}},
		{[]string{"c"}, []string{"c1", "c2"}},
	}
	for _, tt := range tests {
		a, err := readLoadArea(file, "wgs84", tt.features)
		if err != nil {
			t.Fatalf("features %v: %v", tt.features, err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		seen := map[string]int{}
		for range 4000 {
			seen[testAreaPart(a.point(rng))]++
		}
		var got []string
		for part := range seen {
			got = append(got, part)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("features %v: got points in %v (%v), want in %v", tt.features, got, seen, tt.want)
		}
	}
}

func TestLoadAreaUniform(t *testing.T) {
	file := t.TempDir() + "/area.geojson"
	writeFile(t, file, testArea)
	a, err := readLoadArea(file, "", []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 20000
	inA := 0
	for range n {
		if testAreaPart(a.point(rng)) == "a" {
			inA++
		}
	}
	// a is 0.01 - 0.0016 square degrees, b 0.01.
	want := 0.0084 / 0.0184
	if got := float64(inA) / n; math.Abs(got-want) > 0.02 {
		t.Errorf("share of points in a: got %.3f, want %.3f ± 0.02", got, want)
	}
}

func TestLoadAreaDeterministic(t *testing.T) {
	file := t.TempDir() + "/area.geojson"
	writeFile(t, file, testArea)
	rows := func(seed uint64) []positionRow {
		f := loadFlags{responders: 200, prefix: "x", seed: seed}
		var err error
		if f.area, err = readLoadArea(file, "wgs84", nil); err != nil {
			t.Fatal(err)
		}
		return f.syntheticRows()
	}
	same := func(x, y []positionRow) bool {
		return slices.EqualFunc(x, y, func(r, s positionRow) bool {
			return r.id == s.id && r.kind == s.kind && r.mode == s.mode &&
				r.pos.GetLatitude() == s.pos.GetLatitude() && r.pos.GetLongitude() == s.pos.GetLongitude()
		})
	}
	tests := []struct {
		seedX, seedY uint64
		want         bool
	}{
		{1, 1, true},
		{7, 7, true},
		{1, 2, false},
	}
	for _, tt := range tests {
		if got := same(rows(tt.seedX), rows(tt.seedY)); got != tt.want {
			t.Errorf("rows of seeds %d and %d the same: got %v, want %v", tt.seedX, tt.seedY, got, tt.want)
		}
	}
}

func TestLoadAreaDatum(t *testing.T) {
	file := t.TempDir() + "/area.geojson"
	writeFile(t, file, testArea)
	tests := []struct {
		datum string
		d     geo.Datum
	}{
		{"wgs84", geo.WGS84},
		{"gcj02", geo.GCJ02},
		{"BD-09", geo.BD09},
	}
	for _, tt := range tests {
		a, err := readLoadArea(file, tt.datum, []string{"b"})
		if err != nil {
			t.Fatalf("%s: %v", tt.datum, err)
		}
		want := emptyBox
		for _, c := range []geo.LatLng{{Lat: 41.0, Lng: 123.2}, {Lat: 41.0, Lng: 123.3}, {Lat: 41.1, Lng: 123.3}, {Lat: 41.1, Lng: 123.2}} {
			want.extend(geo.ToWGS84(tt.d, c))
		}
		if a.box != want {
			t.Errorf("%s: got the box %+v, want %+v", tt.datum, a.box, want)
		}
	}
}

func TestLoadAreaErrors(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"area":      testArea,
		"malformed": `{"type":"FeatureCollection","features":[`,
		"empty":     `{"type":"FeatureCollection","features":[]}`,
		"point":     `{"type":"FeatureCollection","features":[{"type":"Feature","id":"p","properties":{},"geometry":{"type":"Point","coordinates":[123.4,41.8]}}]}`,
		"open":      `{"type":"FeatureCollection","features":[{"type":"Feature","id":"o","properties":{},"geometry":{"type":"Polygon","coordinates":[[[123.0,41.0],[123.1,41.0],[123.1,41.1],[123.0,41.1]]]}}]}`,
		"sparse": `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"tiny","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[0.0001,0],[0.0001,0.0001],[0,0.0001],[0,0]]]}},
{"type":"Feature","id":"far","properties":{},"geometry":{"type":"Polygon","coordinates":[[[10,10],[10.0001,10],[10.0001,10.0001],[10,10.0001],[10,10]]]}}]}`,
	}
	for name, content := range files {
		writeFile(t, dir+"/"+name+".geojson", content)
	}
	tests := []struct {
		file, datum string
		features    []string
		want        string
	}{
		{"area", "wgs84", []string{"a", "2101xx"}, `--area-features: no feature "2101xx"`},
		{"area", "tokyo", nil, `--area-datum "tokyo": want wgs84, gcj02 or bd09`},
		{"missing", "wgs84", nil, "--area: open "},
		{"malformed", "wgs84", nil, "--area: malformed GeoJSON"},
		{"empty", "wgs84", nil, "--area: the collection has no features"},
		{"point", "wgs84", nil, `--area: features[0] (id "p") is a Point`},
		{"open", "wgs84", nil, "--area: features[0].geometry.coordinates[0]"},
		{"sparse", "wgs84", nil, "--area: the polygons cover"},
	}
	for _, tt := range tests {
		_, err := readLoadArea(dir+"/"+tt.file+".geojson", tt.datum, tt.features)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %s %v: got %v, want an error containing %q", tt.file, tt.datum, tt.features, err, tt.want)
		}
	}
}

func TestLoadKindMix(t *testing.T) {
	type kindMode struct {
		kind gridwatchv1.ResponderKind
		mode gridwatchv1.TravelMode
	}
	got := map[kindMode]float64{}
	sum := 0.0
	for _, m := range kindMix {
		got[kindMode{m.kind, m.mode}] += m.share
		sum += m.share
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("shares sum to %v, want 1", sum)
	}
	const (
		walk, bike, car = gridwatchv1.TravelMode_TRAVEL_MODE_WALK, gridwatchv1.TravelMode_TRAVEL_MODE_BIKE, gridwatchv1.TravelMode_TRAVEL_MODE_CAR
	)
	want := map[kindMode]float64{
		{gridwatchv1.ResponderKind_RESPONDER_KIND_WATCH_VOLUNTEER, walk}:   0.40 * 0.8,
		{gridwatchv1.ResponderKind_RESPONDER_KIND_WATCH_VOLUNTEER, bike}:   0.40 * 0.2,
		{gridwatchv1.ResponderKind_RESPONDER_KIND_SAFETY_VOLUNTEER, walk}:  0.25 / 2,
		{gridwatchv1.ResponderKind_RESPONDER_KIND_SAFETY_VOLUNTEER, bike}:  0.25 / 2,
		{gridwatchv1.ResponderKind_RESPONDER_KIND_WATCH_POST_STAFF, walk}:  0.10,
		{gridwatchv1.ResponderKind_RESPONDER_KIND_SECURITY_GUARD, walk}:    0.10,
		{gridwatchv1.ResponderKind_RESPONDER_KIND_COMMUNITY_OFFICER, bike}: 0.05 / 2,
		{gridwatchv1.ResponderKind_RESPONDER_KIND_COMMUNITY_OFFICER, car}:  0.05 / 2,
		{gridwatchv1.ResponderKind_RESPONDER_KIND_PATROL_OFFICER, car}:     0.08,
		{gridwatchv1.ResponderKind_RESPONDER_KIND_REINFORCEMENT, car}:      0.02,
	}
	for k, w := range want {
		if math.Abs(got[k]-w) > 1e-12 {
			t.Errorf("%v %v: got share %v, want %v", k.kind, k.mode, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d kind and mode pairs, want %d", len(got), len(want))
	}
}

// loadDistricts are the flags that spread the load tests' responders over
// two of Shenyang's districts.
var loadDistricts = []string{"--area", "../../testdata/shenyang/districts.geojson", "--area-datum", "gcj02",
	"--area-features", "210102,210103"}

func TestLoadFindArea(t *testing.T) {
	addr := startServer(t)
	args := append([]string{"load", "find", "--responders", "300", "--duration", "300ms", "-o", "json"}, loadDistricts...)
	out, err := run(t, addr, args...)
	if err != nil {
		t.Fatalf("gridwatch %v: %v", args, describe(err))
	}
	res := jsonObject(t, out)
	if res["responders"] != float64(300) {
		t.Errorf("responders: got %v, want 300", res["responders"])
	}
	for _, k := range []string{"finds_per_second", "mean_responders_returned"} {
		if v, ok := res[k].(float64); !ok || v <= 0 {
			t.Errorf("%s: got %v, want > 0", k, res[k])
		}
	}
}

// TestLoadFindOutOfScope runs load find as a dispatcher of hp-st, whose
// grid covers part of the two districts: the points outside it are counted
// and left out, the others measured.
func TestLoadFindOutOfScope(t *testing.T) {
	addr := startServer(t)
	setup := append([]string{"load", "find", "--responders", "300", "--duration", "50ms"}, loadDistricts...)
	if _, err := run(t, addr, setup...); err != nil {
		t.Fatalf("gridwatch %v: %v", setup, describe(err))
	}
	args := append([]string{"load", "find", "--responders", "300", "--skip-setup", "--duration", "500ms", "-o", "json",
		"--token", issueFor(auth.RoleDispatcher)}, loadDistricts...)
	out, err := run(t, addr, args...)
	if err != nil {
		t.Fatalf("gridwatch %v: %v", args, describe(err))
	}
	res := jsonObject(t, out)
	for _, k := range []string{"finds_per_second", "out_of_scope"} {
		if v, ok := res[k].(float64); !ok || v <= 0 {
			t.Errorf("%s: got %v, want > 0", k, res[k])
		}
	}
}

func TestLoadFlagErrors(t *testing.T) {
	addr := "127.0.0.1:1" // the flags are checked before any call
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"load", "find", "--area-features", "210102"}, "--area-features needs --area"},
		{[]string{"load", "ingest", "--area-datum", "gcj02"}, "--area-datum needs --area"},
		{[]string{"load", "find", "--area", "../../testdata/shenyang/nowhere.geojson"}, "--area: open "},
		{append([]string{"load", "ingest"}, append(loadDistricts[:4:4], "--area-features", "210102,2101xx")...),
			`--area-features: no feature "2101xx"`},
	}
	for _, tt := range tests {
		_, err := run(t, addr, tt.args...)
		if err == nil || !strings.Contains(describe(err), tt.want) {
			t.Errorf("gridwatch %v: got %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}
