package geo

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

const shenyangFile = "../testdata/shenyang/districts.geojson"

// rawFeature is a feature of the test file decoded without validation.
type rawFeature struct {
	ID       string
	Type     string
	Polygons []Polygon
	JSON     json.RawMessage
}

// readShenyang decodes the test file with encoding/json only, bypassing the
// validator, so that its data can be examined feature by feature.
func readShenyang(t testing.TB) []rawFeature {
	t.Helper()
	data, err := os.ReadFile(shenyangFile)
	if err != nil {
		t.Fatal(err)
	}
	var top struct{ Features []json.RawMessage }
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	out := make([]rawFeature, len(top.Features))
	for i, raw := range top.Features {
		var f struct {
			ID       string
			Geometry struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		var polys [][][][2]float64
		coords := f.Geometry.Coordinates
		if f.Geometry.Type == "Polygon" {
			coords = json.RawMessage("[" + string(coords) + "]")
		}
		if err := json.Unmarshal(coords, &polys); err != nil {
			t.Fatal(err)
		}
		out[i] = rawFeature{ID: f.ID, Type: f.Geometry.Type, Polygons: toPolygons(polys), JSON: raw}
	}
	return out
}

func toPolygons(polys [][][][2]float64) []Polygon {
	out := make([]Polygon, len(polys))
	for k, rings := range polys {
		for j, pts := range rings {
			r := make(Ring, len(pts))
			for n, p := range pts {
				r[n] = LatLng{Lat: p[1], Lng: p[0]}
			}
			if j == 0 {
				out[k].Outer = r
			} else {
				out[k].Holes = append(out[k].Holes, r)
			}
		}
	}
	return out
}

// shenyangFeatures records what the validator makes of each district.
// Quantisation to 1/1024° made 8 of them touch, overlap or cross
// themselves; the Field is the first offending edge of the first bad ring.
var shenyangFeatures = []struct {
	id, typ            string
	polygons           int
	wantField, wantErr string
}{
	{"210102", "Polygon", 1, "", ""},
	{"210103", "Polygon", 1, "", ""},
	{"210104", "Polygon", 1, "", ""},
	{"210105", "Polygon", 1, "", ""},
	{"210106", "Polygon", 1, "", ""},
	{"210111", "Polygon", 1, "", ""},
	{"210112", "Polygon", 1, "", ""},
	{"210113", "Polygon", 1, "", ""},
	{"210114", "MultiPolygon", 2, "", ""},
	{"210115", "MultiPolygon", 2, "", ""},
	{"210123", "Polygon", 1, "", ""},
	{"210124", "Polygon", 1, "", ""},
	{"210181", "MultiPolygon", 2, "", ""},
}

func TestDecodeShenyangFile(t *testing.T) {
	data, err := os.ReadFile(shenyangFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeFeatureCollection(data, DecodeOptions{})
	if err != nil {
		t.Fatalf("the real data must decode (its rounding artefacts are slivers): %v", err)
	}
	if len(got) != 13 {
		t.Errorf("got %d features, want 13", len(got))
	}
}

// TestDecodeShenyangFeatures decodes each district on its own.
func TestDecodeShenyangFeatures(t *testing.T) {
	raw := readShenyang(t)
	if len(raw) != len(shenyangFeatures) {
		t.Fatalf("file has %d features, want %d", len(raw), len(shenyangFeatures))
	}
	for i, want := range shenyangFeatures {
		t.Run(want.id, func(t *testing.T) {
			if raw[i].ID != want.id || raw[i].Type != want.typ || len(raw[i].Polygons) != want.polygons {
				t.Fatalf("file has %s %s with %d polygons", raw[i].ID, raw[i].Type, len(raw[i].Polygons))
			}
			got, err := DecodeFeatureCollection(collection(string(raw[i].JSON)), DecodeOptions{})
			if err != nil {
				if fe, ok := err.(*FieldError); ok { // name the feature as in the whole file
					fe.Field = strings.Replace(fe.Field, "features[0]", "features["+strconv.Itoa(i)+"]", 1)
				}
			}
			wantFieldError(t, err, want.wantField, want.wantErr)
			if err != nil {
				return
			}
			g := got[0]
			if g.ID != want.id || g.Geometry.Type != want.typ || len(g.Geometry.Polygons) != want.polygons {
				t.Errorf("decoded %s %s with %d polygons", g.ID, g.Geometry.Type, len(g.Geometry.Polygons))
			}
			if name, ok, err := g.String("name"); !ok || err != nil || !strings.HasSuffix(name, "区") && !strings.HasSuffix(name, "县") && !strings.HasSuffix(name, "市") {
				t.Errorf(`String("name") = %q, %v, %v`, name, ok, err)
			}
			// Normalisation removes no area (up to the curvature of great
			// circles versus straight lines in lat/lng: well under 1 m²).
			for k, p := range g.Geometry.Polygons {
				if d := math.Abs(p.AreaM2() - raw[i].Polygons[k].AreaM2()); d > 1 {
					t.Errorf("polygon %d: normalisation changed the area by %.3f m²", k, d)
				}
			}
		})
	}
}

// TestShenyangArea converts the outlines from GCJ-02 and sums their areas.
func TestShenyangArea(t *testing.T) {
	total := 0.0
	for _, f := range readShenyang(t) {
		for _, p := range f.Polygons {
			total += p.Transform(func(q LatLng) LatLng { return ToWGS84(GCJ02, q) }).AreaM2()
		}
	}
	const want = 12857e6 // m²; Shenyang's official area is about 12,860 km²
	if math.Abs(total-want) > 0.03*want {
		t.Errorf("total area %.0f km², want %.0f km² ± 3%%", total/1e6, want/1e6)
	}
	t.Logf("total area %.1f km²", total/1e6)
}

// TestShenyangDefects inventories everything the validator objects to in
// the file, so that a change in the data or in the rules is noticed.
func TestShenyangDefects(t *testing.T) {
	if testing.Short() {
		t.Skip("quadratic scan of every ring")
	}
	var positions, duplicates, spikes, pinches int
	kinds := map[contact]int{}
	for _, f := range readShenyang(t) {
		for _, p := range f.Polygons {
			for _, r := range append([]Ring{p.Outer}, p.Holes...) {
				d := dedupe(r)
				c := despike(d)
				positions += len(r)
				duplicates += len(r) - len(d.pts)
				spikes += len(d.pts) - len(c.pts)
				v := ringView{v: c.pts[:len(c.pts)-1], orig: c.orig}
				for k, n := range v.allContacts() {
					kinds[k] += n
				}
				pinches += v.pinchPositions()
			}
		}
	}
	t.Logf("%d positions, %d consecutive duplicates, %d spike vertices removed; %d pinch positions; contacts %v",
		positions, duplicates, spikes, pinches, kinds)
	got := [...]int{positions, duplicates, spikes, pinches, kinds[touches], kinds[overlaps], kinds[crosses]}
	if want := [...]int{27158, 10041, 192, 43, 6, 8, 3}; got != want {
		t.Errorf("got positions, duplicates, spikes, pinches, touches, overlaps, crosses = %v, want %v", got, want)
	}
}

// allContacts counts the contacts of every kind between non-adjacent edges.
func (r ringView) allContacts() map[contact]int {
	m := len(r.v)
	out := map[contact]int{}
	for i := range m {
		bi := edgeBox(r.v[i], r.v[(i+1)%m])
		for j := i + 2; j < m; j++ {
			if adjacent(i, j, m) || !bi.intersects(edgeBox(r.v[j], r.v[(j+1)%m])) {
				continue
			}
			out[classify(r.v[i], r.v[(i+1)%m], r.v[j], r.v[(j+1)%m])]++
		}
	}
	return out
}

// pinchPositions counts positions the ring visits more than once.
func (r ringView) pinchPositions() int {
	seen := map[LatLng]int{}
	for _, p := range r.v {
		seen[p]++
	}
	n := 0
	for _, k := range seen {
		if k > 1 {
			n++
		}
	}
	return n
}
