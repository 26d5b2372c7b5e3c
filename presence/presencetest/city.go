package presencetest

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// The city the benchmarks and load tests populate: responders spread over
// Shenyang's urban districts with a realistic mix of kinds and modes.

// UrbanDistrictIDs are Shenyang's nine urban districts in the test data.
var UrbanDistrictIDs = []string{"210102", "210103", "210104", "210105", "210106", "210111", "210112", "210113", "210114"}

// Area samples points uniformly in a region: the districts' rings
// (even-odd) inside their bounding box, or the box alone.
type Area struct {
	rings                          [][]geo.LatLng // WGS-84
	minLat, maxLat, minLng, maxLng float64
}

// CentralBox is the dense alternative to the districts: the central box of
// the city (lat 41.68–41.92, lng 123.22–123.62).
func CentralBox() *Area {
	return &Area{minLat: 41.68, maxLat: 41.92, minLng: 123.22, maxLng: 123.62}
}

// UrbanDistricts loads Shenyang's urban districts from the GeoJSON file at
// path (testdata/shenyang/districts.geojson), converting GCJ-02 to WGS-84.
// The outlines need not be valid for sampling.
func UrbanDistricts(tb testing.TB, path string) *Area {
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var fc struct {
		Features []struct {
			ID       string `json:"id"`
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		tb.Fatal(err)
	}
	a := &Area{minLat: 90, maxLat: -90, minLng: 180, maxLng: -180}
	for _, f := range fc.Features {
		if !slices.Contains(UrbanDistrictIDs, f.ID) {
			continue
		}
		var polys [][][][2]float64
		if f.Geometry.Type == "Polygon" {
			var p [][][2]float64
			err = json.Unmarshal(f.Geometry.Coordinates, &p)
			polys = append(polys, p)
		} else {
			err = json.Unmarshal(f.Geometry.Coordinates, &polys)
		}
		if err != nil {
			tb.Fatalf("district %s: %v", f.ID, err)
		}
		for _, p := range polys {
			for _, r := range p {
				a.addRing(r)
			}
		}
	}
	return a
}

func (a *Area) addRing(r [][2]float64) {
	ring := make([]geo.LatLng, len(r))
	for i, c := range r {
		ring[i] = geo.ToWGS84(geo.GCJ02, geo.LatLng{Lat: c[1], Lng: c[0]})
		a.minLat, a.maxLat = min(a.minLat, ring[i].Lat), max(a.maxLat, ring[i].Lat)
		a.minLng, a.maxLng = min(a.minLng, ring[i].Lng), max(a.maxLng, ring[i].Lng)
	}
	a.rings = append(a.rings, ring)
}

// contains is the even-odd rule over all rings.
func (a *Area) contains(p geo.LatLng) bool {
	if a.rings == nil {
		return true
	}
	in := false
	for _, r := range a.rings {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			if (r[i].Lat > p.Lat) != (r[j].Lat > p.Lat) &&
				p.Lng < (r[j].Lng-r[i].Lng)*(p.Lat-r[i].Lat)/(r[j].Lat-r[i].Lat)+r[i].Lng {
				in = !in
			}
		}
	}
	return in
}

// Point draws a uniform point of the area.
func (a *Area) Point(rng *rand.Rand) geo.LatLng {
	for {
		p := geo.LatLng{Lat: a.minLat + rng.Float64()*(a.maxLat-a.minLat), Lng: a.minLng + rng.Float64()*(a.maxLng-a.minLng)}
		if a.contains(p) {
			return p
		}
	}
}

// CityResponder draws a responder with the city's mix: watch volunteers
// 40% (walk 80%, bike 20%), safety volunteers 25% (walk or bike), watch post
// staff 10% and security guards 10% (walk), community officers 5% (bike or
// car), patrol officers 8% and reinforcements 2% (car).
func CityResponder(rng *rand.Rand, id string) grid.Responder {
	r := grid.Responder{ID: id, TravelMode: grid.Walk}
	switch x := rng.IntN(100); {
	case x < 40:
		r.Kind = grid.WatchVolunteer
		if rng.IntN(5) == 0 {
			r.TravelMode = grid.Bike
		}
	case x < 65:
		r.Kind, r.TravelMode = grid.SafetyVolunteer, grid.TravelMode(1+rng.IntN(2))
	case x < 75:
		r.Kind = grid.WatchPostStaff
	case x < 85:
		r.Kind = grid.SecurityGuard
	case x < 90:
		r.Kind, r.TravelMode, r.HomeGrid = grid.CommunityOfficer, grid.TravelMode(2+rng.IntN(2)), "P1"
	case x < 98:
		r.Kind, r.TravelMode = grid.PatrolOfficer, grid.Car
	default:
		r.Kind, r.TravelMode = grid.Reinforcement, grid.Car
	}
	return r
}
