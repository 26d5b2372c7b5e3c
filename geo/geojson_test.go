package geo

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

const square = `[[123.40,41.80],[123.41,41.80],[123.41,41.81],[123.40,41.81],[123.40,41.80]]`

// collection wraps features into a FeatureCollection.
func collection(features ...string) []byte {
	return []byte(`{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`)
}

// feature renders a feature with the given geometry type and coordinates.
func feature(typ, coords string) string {
	return `{"type":"Feature","id":"f","properties":{},"geometry":{"type":"` + typ + `","coordinates":` + coords + `}}`
}

// okFeature is a valid feature.
var okFeature = feature("Polygon", "["+square+"]")

// decodeErrorTests covers every rule of DecodeFeatureCollection.
var decodeErrorTests = []struct {
	name       string
	data       string
	opts       DecodeOptions
	wantField  string
	wantReason string
}{
	{"malformed JSON", `{"type":`, DecodeOptions{}, "", "malformed GeoJSON"},
	{"not an object", `[1,2]`, DecodeOptions{}, "", "must be an object"},
	{"null", `null`, DecodeOptions{}, "type", "got nothing"},
	{"empty input", ``, DecodeOptions{}, "", "malformed GeoJSON"},
	{"not a FeatureCollection", `{"type":"Feature","features":[]}`, DecodeOptions{}, "type", `must be "FeatureCollection", got "Feature"`},
	{"type missing", `{"features":[]}`, DecodeOptions{}, "type", "got nothing"},
	{"features missing", `{"type":"FeatureCollection"}`, DecodeOptions{}, "features", "must be an array"},
	{"features not an array", `{"type":"FeatureCollection","features":{}}`, DecodeOptions{}, "features", "must be an array"},
	{"too many features", string(collection(okFeature, okFeature, okFeature)), DecodeOptions{MaxFeatures: 2}, "features", "3 features; at most 2"},
	{"too many vertices", string(collection(okFeature, okFeature)), DecodeOptions{MaxVertices: 7}, "features[1]", "more than 7 vertices"},
	{"feature not an object", string(collection(`[]`)), DecodeOptions{}, "features[0]", "must be an object"},
	{"long type value is cut at a rune boundary", `{"type":"x沈阳沈阳沈阳沈阳沈阳沈阳沈阳沈阳沈阳沈阳","features":[]}`, DecodeOptions{},
		"type", `got "x沈阳沈阳沈阳沈阳沈阳沈阳…`},
	{"feature type wrong", string(collection(`{"type":"Polygon"}`)), DecodeOptions{}, "features[0].type", `must be "Feature"`},
	{"no geometry", string(collection(`{"type":"Feature","properties":{}}`)), DecodeOptions{}, "features[0].geometry", "no geometry"},
	{"null geometry", string(collection(okFeature, `{"type":"Feature","geometry":null}`)), DecodeOptions{}, "features[1].geometry", "no geometry"},
	{"geometry not an object", string(collection(`{"type":"Feature","geometry":[]}`)), DecodeOptions{}, "features[0].geometry", "must be an object"},
	{"unknown geometry type", string(collection(feature("LineString", "[[0,0],[1,1]]"))), DecodeOptions{},
		"features[0].geometry.type", `unsupported geometry type "LineString"`},
	{"geometry type not a string", string(collection(`{"type":"Feature","geometry":{"type":7,"coordinates":[0,0]}}`)), DecodeOptions{},
		"features[0].geometry.type", "must be a string"},
	{"coordinates missing", string(collection(`{"type":"Feature","geometry":{"type":"Point"}}`)), DecodeOptions{},
		"features[0].geometry.coordinates", "missing"},
	{"bad id", string(collection(`{"type":"Feature","id":true,"geometry":{"type":"Point","coordinates":[0,0]}}`)), DecodeOptions{},
		"features[0].id", "must be a string or a number, got a boolean"},
	{"huge id exponent", string(collection(`{"type":"Feature","id":1e999,"geometry":{"type":"Point","coordinates":[0,0]}}`)), DecodeOptions{},
		"features[0].id", "out of range"},
	{"properties not an object", string(collection(`{"type":"Feature","properties":[1],"geometry":{"type":"Point","coordinates":[0,0]}}`)), DecodeOptions{},
		"features[0].properties", "must be an object"},
	{"point not an array", string(collection(feature("Point", `"0,0"`))), DecodeOptions{},
		"features[0].geometry.coordinates", "position must be an array, got a string"},
	{"point with one number", string(collection(feature("Point", `[123]`))), DecodeOptions{},
		"features[0].geometry.coordinates", "at least 2 numbers"},
	{"point with null", string(collection(feature("Point", `[123,null]`))), DecodeOptions{},
		"features[0].geometry.coordinates", "only numbers, found null"},
	{"NaN as a string", string(collection(feature("Polygon", `[[[0,0],[1,0],["NaN",1],[0,0]]]`))), DecodeOptions{},
		"features[0].geometry.coordinates[0][2]", "only numbers, found a string"},
	{"altitude not a number", string(collection(feature("Point", `[1,2,{}]`))), DecodeOptions{},
		"features[0].geometry.coordinates", "only numbers, found an object"},
	{"latitude out of range", string(collection(okFeature, feature("Polygon", `[[[0,0],[1,0],[1,91],[0,0]]]`))), DecodeOptions{},
		"features[1].geometry.coordinates[0][2]", "latitude 91 is outside [-90, 90]"},
	{"longitude overflows to infinity", string(collection(feature("Point", `[1e400,0]`))), DecodeOptions{},
		"features[0].geometry.coordinates", "longitude is infinite"},
	{"polygon not an array", string(collection(feature("Polygon", `5`))), DecodeOptions{},
		"features[0].geometry.coordinates", "polygon must be an array, got a number"},
	{"ring not an array", string(collection(feature("Polygon", `[{}]`))), DecodeOptions{},
		"features[0].geometry.coordinates[0]", "ring must be an array, got an object"},
	{"empty polygon", string(collection(feature("Polygon", `[]`))), DecodeOptions{},
		"features[0].geometry.coordinates", "at least one ring"},
	{"empty multipolygon", string(collection(feature("MultiPolygon", `[]`))), DecodeOptions{},
		"features[0].geometry.coordinates", "at least one polygon"},
	{"ring too short", string(collection(feature("Polygon", `[[[0,0],[1,0],[0,0]]]`))), DecodeOptions{},
		"features[0].geometry.coordinates[0]", "has 3 positions"},
	{"ring too short after duplicates", string(collection(feature("Polygon", `[[[0,0],[1,0],[1,0],[0,0]]]`))), DecodeOptions{},
		"features[0].geometry.coordinates[0]", "has 3 positions"},
	{"ring not closed", string(collection(feature("Polygon", `[[[0,0],[1,0],[1,1],[0,1]]]`))), DecodeOptions{},
		"features[0].geometry.coordinates[0]", "not closed"},
	{"bow-tie", string(collection(feature("Polygon", `[[[0,0],[0,0],[1,1],[1,0],[0,1],[0,0]]]`))), DecodeOptions{},
		"features[0].geometry.coordinates[0][0]", "edge [0]-[2] crosses edge [3]-[4]"},
	{"corridor", string(collection(feature("Polygon", `[[[0,0],[4,0],[4,2],[6,2],[6,1],[8,1],[8,3],[6,3],[6,2],[4,2],[4,4],[0,4],[0,0]]]`))),
		DecodeOptions{}, "features[0].geometry.coordinates[0][2]", "crosses itself"},
	{"crossing at a shared vertex", string(collection(feature("Polygon", `[[[2,0],[2,2],[2,4],[0,4],[0,2],[2,2],[4,2],[4,0],[2,0]]]`))),
		DecodeOptions{}, "features[0].geometry.coordinates[0][1]", "crosses itself at this position"},
	{"hole outside", string(collection(feature("Polygon", `[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[5,1],[6,1],[6,2],[5,1]]]`))),
		DecodeOptions{}, "features[0].geometry.coordinates[1]", "hole is not inside"},
	{"bad hole", string(collection(feature("Polygon", `[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[3,3],[3,1],[1,3],[1,1]]]`))),
		DecodeOptions{}, "features[0].geometry.coordinates[1][0]", "crosses"},
	{"multipolygon second polygon bad", string(collection(feature("MultiPolygon",
		`[[`+square+`],[[[0,0],[1,0],[1,1],[0,1]]]]`))), DecodeOptions{},
		"features[0].geometry.coordinates[1][0]", "not closed"},
	{"multipolygon position", string(collection(feature("MultiPolygon",
		`[[`+square+`],[[[0,0],[1,0],[1,1],[0,-91],[0,0]]]]`))), DecodeOptions{},
		"features[0].geometry.coordinates[1][0][3]", "latitude -91"},
}

func TestDecodeFeatureCollectionErrors(t *testing.T) {
	tests := decodeErrorTests
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeFeatureCollection([]byte(tt.data), tt.opts)
			wantFieldError(t, err, tt.wantField, tt.wantReason)
			if got != nil {
				t.Errorf("got %d features with an error", len(got))
			}
		})
	}
}

func TestDecodeFeatureCollection(t *testing.T) {
	data := collection(
		`{"type":"Feature","id":210102,"properties":{"name":"和平区","childNum":1},
		  "geometry":{"type":"Polygon","coordinates":[[[123.40,41.80,12.5],[123.41,41.80],[123.41,41.80],
		  [123.41,41.81],[123.45,41.81],[123.41,41.81],[123.40,41.81],[123.40,41.80]]]}}`,
		`{"type":"Feature","id":"p1","properties":null,"geometry":{"type":"Point","coordinates":[123.43, 41.8, 0]}}`,
		`{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[`+square+`],
		  [[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]]}}`,
		`{"type":"Feature","id":1.5e3,"geometry":{"type":"Point","coordinates":[-180,-90]}}`,
	)
	got, err := DecodeFeatureCollection(data, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sq := Ring{{41.80, 123.40}, {41.80, 123.41}, {41.81, 123.41}, {41.81, 123.40}, {41.80, 123.40}}
	want := []Feature{
		{Index: 0, ID: "210102", Geometry: Geometry{Type: "Polygon", Polygons: []Polygon{{Outer: sq}}}},
		{Index: 1, ID: "p1", Geometry: Geometry{Type: "Point", Point: LatLng{41.8, 123.43}}},
		{Index: 2, Geometry: Geometry{Type: "MultiPolygon", Polygons: []Polygon{{Outer: sq}, {
			Outer: ringOf(0, 0, 4, 0, 4, 4, 0, 4, 0, 0), Holes: []Ring{ringOf(1, 1, 2, 1, 2, 2, 1, 1)}}}}},
		{Index: 3, ID: "1500", Geometry: Geometry{Type: "Point", Point: LatLng{-90, -180}}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d features, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Index != w.Index || g.ID != w.ID || !equalGeometry(g.Geometry, w.Geometry) {
			t.Errorf("feature %d: got %+v, want %+v", i, g, w)
		}
	}
	if name, ok, err := got[0].String("name"); name != "和平区" || !ok || err != nil {
		t.Errorf(`String("name") = %q, %v, %v`, name, ok, err)
	}
	if got[1].Properties != nil || got[2].Properties != nil {
		t.Errorf("null/missing properties decoded as %v, %v", got[1].Properties, got[2].Properties)
	}
}

func equalGeometry(a, b Geometry) bool {
	if a.Type != b.Type || a.Point != b.Point || len(a.Polygons) != len(b.Polygons) {
		return false
	}
	for k := range a.Polygons {
		pa, pb := a.Polygons[k], b.Polygons[k]
		if !slices.Equal(pa.Outer, pb.Outer) || !slices.EqualFunc(pa.Holes, pb.Holes, func(x, y Ring) bool { return slices.Equal(x, y) }) {
			return false
		}
	}
	return true
}

func TestDecodeEmptyCollection(t *testing.T) {
	got, err := DecodeFeatureCollection([]byte(`{"type":"FeatureCollection","features":[]}`), DecodeOptions{})
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v; want no features and no error", got, err)
	}
}

func TestDecodeDefaultLimits(t *testing.T) {
	pt := `{"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]}}`
	many := func(n int) []byte { return collection(slices.Repeat([]string{pt}, n)...) }
	if _, err := DecodeFeatureCollection(many(100000), DecodeOptions{}); err != nil {
		t.Errorf("100000 features: %v", err)
	}
	wantFieldError(t, func() error { _, err := DecodeFeatureCollection(many(100001), DecodeOptions{}); return err }(),
		"features", "100001 features; at most 100000")
	if _, err := DecodeFeatureCollection(many(10), DecodeOptions{MaxVertices: 10}); err != nil {
		t.Errorf("10 vertices with MaxVertices 10: %v", err)
	}
}

func TestFeatureString(t *testing.T) {
	f := Feature{Index: 4, Properties: map[string]json.RawMessage{
		"name": json.RawMessage(`"沈河区"`), "code": json.RawMessage(`210103`), "float": json.RawMessage(` 2.50 `),
		"exp": json.RawMessage(`1.5E3`), "neg": json.RawMessage(`-0.0`), "small": json.RawMessage(`25e-3`),
		"null": json.RawMessage(`null`), "list": json.RawMessage(`[1]`), "obj": json.RawMessage(`{}`),
		"bool": json.RawMessage(`false`), "escaped": json.RawMessage(`"a\"b\u00e9"`),
	}}
	tests := []struct {
		key       string
		want      string
		wantOK    bool
		wantField string
	}{
		{"name", "沈河区", true, ""},
		{"code", "210103", true, ""},
		{"float", "2.5", true, ""},
		{"exp", "1500", true, ""},
		{"neg", "0", true, ""},
		{"small", "0.025", true, ""},
		{"escaped", `a"bé`, true, ""},
		{"missing", "", false, ""},
		{"null", "", false, ""},
		{"list", "", false, "features[4].properties.list"},
		{"obj", "", false, "features[4].properties.obj"},
		{"bool", "", false, "features[4].properties.bool"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok, err := f.String(tt.key)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
			wantFieldError(t, err, tt.wantField, map[bool]string{true: "must be a string or a number"}[tt.wantField != ""])
		})
	}
}

func TestPlainNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"}, {"-0", "0"}, {"210102", "210102"}, {"-17", "-17"}, {"1.0", "1"}, {"2.50", "2.5"},
		{"1e3", "1000"}, {"1.5E+3", "1500"}, {"123456789012345678901234567890", "123456789012345678901234567890"},
		{"1.25e-2", "0.0125"}, {"-4.2e1", "-42"}, {"0.000", "0"}, {"12e-1", "1.2"}, {"5e0", "5"},
	}
	for _, tt := range tests {
		if got, ok := plainNumber(tt.in); got != tt.want || !ok {
			t.Errorf("plainNumber(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, in := range []string{"1e101", "1e-101", "1e99999999999999999999"} {
		if got, ok := plainNumber(in); ok {
			t.Errorf("plainNumber(%q) = %q, want out of range", in, got)
		}
	}
}

func ExampleDecodeFeatureCollection() {
	data := []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":7,
		"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}`)
	_, err := DecodeFeatureCollection(data, DecodeOptions{})
	fmt.Println(err)
	// Output: features[0].geometry.coordinates[0][0]: ring intersects itself: edge [0]-[1] crosses edge [2]-[3]
}
