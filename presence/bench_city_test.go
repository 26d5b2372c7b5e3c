package presence_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// urbanDistricts are Shenyang's nine urban districts in the test data.
var urbanDistricts = []string{"210102", "210103", "210104", "210105", "210106", "210111", "210112", "210113", "210114"}

// area samples points uniformly in a region: the districts' rings
// (even-odd) inside their bounding box, or the box alone.
type area struct {
	rings                          [][]geo.LatLng // WGS-84
	minLat, maxLat, minLng, maxLng float64
}

// boxArea is the dense alternative: the central box of the city.
func boxArea() *area {
	return &area{minLat: 41.68, maxLat: 41.92, minLng: 123.22, maxLng: 123.62}
}

// districtArea loads the urban districts from the test data, converting
// GCJ-02 to WGS-84. The outlines need not be valid for sampling.
func districtArea(tb testing.TB) *area {
	data, err := os.ReadFile("../testdata/shenyang/districts.geojson")
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
	a := &area{minLat: 90, maxLat: -90, minLng: 180, maxLng: -180}
	for _, f := range fc.Features {
		if !slices.Contains(urbanDistricts, f.ID) {
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

func (a *area) addRing(r [][2]float64) {
	ring := make([]geo.LatLng, len(r))
	for i, c := range r {
		ring[i] = geo.ToWGS84(geo.GCJ02, geo.LatLng{Lat: c[1], Lng: c[0]})
		a.minLat, a.maxLat = min(a.minLat, ring[i].Lat), max(a.maxLat, ring[i].Lat)
		a.minLng, a.maxLng = min(a.minLng, ring[i].Lng), max(a.maxLng, ring[i].Lng)
	}
	a.rings = append(a.rings, ring)
}

// contains is the even-odd rule over all rings.
func (a *area) contains(p geo.LatLng) bool {
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

// point draws a uniform point of the area.
func (a *area) point(rng *rand.Rand) geo.LatLng {
	for {
		p := geo.LatLng{Lat: a.minLat + rng.Float64()*(a.maxLat-a.minLat), Lng: a.minLng + rng.Float64()*(a.maxLng-a.minLng)}
		if a.contains(p) {
			return p
		}
	}
}

// cityResponder draws a responder with the city's mix: watch volunteers
// 40% (walk 80%, bike 20%), safety volunteers 25% (walk or bike), watch post
// staff 10% and security guards 10% (walk), community officers 5% (bike or
// car), patrol officers 8% and reinforcements 2% (car).
func cityResponder(rng *rand.Rand, id string) grid.Responder {
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
