package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/geo"
)

// minAreaCover is the least share of its bounding box the --area polygons
// must cover: below it rejection sampling would draw thousands of points
// for each one kept.
const minAreaCover = 1e-4

// loadArea is the region of --area that the load tests spread responders
// and query points over: the union of some polygons, in WGS-84.
type loadArea struct {
	polys []areaPolygon
	box   areaBox // of all the polygons
}

// areaPolygon is a polygon with its bounding box, which spares the
// point-in-polygon test for most points outside it.
type areaPolygon struct {
	geo.Polygon
	box areaBox
}

// areaBox is a bounding box in degrees.
type areaBox struct{ minLat, maxLat, minLng, maxLng float64 }

// emptyBox is the box that any point extends.
var emptyBox = areaBox{minLat: math.Inf(1), maxLat: math.Inf(-1), minLng: math.Inf(1), maxLng: math.Inf(-1)}

// readLoadArea reads the GeoJSON FeatureCollection at path, whose
// coordinates are in datumName, and returns the union of the polygons of the
// features ids (all if ids is empty), converted to WGS-84.
func readLoadArea(path, datumName string, ids []string) (*loadArea, error) {
	datum, err := geo.ParseDatum(datumName)
	if err != nil { // worded as parseDatum's errors for --datum
		return nil, fmt.Errorf("--area-datum %q: want wgs84, gcj02 or bd09", datumName)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--area: %w", err)
	}
	features, err := geo.DecodeFeatureCollection(data, geo.DecodeOptions{})
	if err != nil {
		return nil, fmt.Errorf("--area: %w", err)
	}
	features, err = selectFeatures(features, ids)
	if err != nil {
		return nil, err
	}
	a := &loadArea{box: emptyBox}
	toWGS84 := func(p geo.LatLng) geo.LatLng { return geo.ToWGS84(datum, p) }
	for _, f := range features {
		if f.Geometry.Type != "Polygon" && f.Geometry.Type != "MultiPolygon" {
			return nil, fmt.Errorf("--area: features[%d] (id %q) is a %s; want Polygon or MultiPolygon",
				f.Index, f.ID, f.Geometry.Type)
		}
		for _, p := range f.Geometry.Polygons {
			a.add(p.Transform(toWGS84))
		}
	}
	if cover := a.planarArea() / a.box.planarArea(); !(cover >= minAreaCover) {
		return nil, fmt.Errorf("--area: the polygons cover %.2g of their bounding box, too little to sample (at least %g)",
			cover, minAreaCover)
	}
	return a, nil
}

// selectFeatures returns the features of fs whose ids are in ids, in the
// file's order, or all of fs if ids is empty. An id no feature has is an
// error.
func selectFeatures(fs []geo.Feature, ids []string) ([]geo.Feature, error) {
	if len(fs) == 0 {
		return nil, errors.New("--area: the collection has no features")
	}
	if len(ids) == 0 {
		return fs, nil
	}
	for _, id := range ids {
		if !slices.ContainsFunc(fs, func(f geo.Feature) bool { return f.ID == id }) {
			return nil, fmt.Errorf("--area-features: no feature %q in --area", id)
		}
	}
	return slices.DeleteFunc(slices.Clone(fs), func(f geo.Feature) bool { return !slices.Contains(ids, f.ID) }), nil
}

// add adds p, in WGS-84, to the area.
func (a *loadArea) add(p geo.Polygon) {
	ap := areaPolygon{Polygon: p, box: emptyBox}
	for _, q := range p.Outer {
		ap.box.extend(q)
	}
	a.box.extend(geo.LatLng{Lat: ap.box.minLat, Lng: ap.box.minLng})
	a.box.extend(geo.LatLng{Lat: ap.box.maxLat, Lng: ap.box.maxLng})
	a.polys = append(a.polys, ap)
}

// extend grows b to cover p.
func (b *areaBox) extend(p geo.LatLng) {
	b.minLat, b.maxLat = min(b.minLat, p.Lat), max(b.maxLat, p.Lat)
	b.minLng, b.maxLng = min(b.minLng, p.Lng), max(b.maxLng, p.Lng)
}

// has reports whether p is in b.
func (b areaBox) has(p geo.LatLng) bool {
	return p.Lat >= b.minLat && p.Lat <= b.maxLat && p.Lng >= b.minLng && p.Lng <= b.maxLng
}

// planarArea is b's area in square degrees.
func (b areaBox) planarArea() float64 { return (b.maxLat - b.minLat) * (b.maxLng - b.minLng) }

// planarArea is the area of the polygons in square degrees, outer rings
// less holes, counting overlaps twice: enough to bound the rejection rate.
func (a *loadArea) planarArea() float64 {
	sum := 0.0
	for _, p := range a.polys {
		s := math.Abs(shoelace(p.Outer))
		for _, h := range p.Holes {
			s -= math.Abs(shoelace(h))
		}
		sum += max(0, s)
	}
	return sum
}

// shoelace is the signed planar area of the closed ring r.
func shoelace(r geo.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i].Lng*r[i+1].Lat - r[i+1].Lng*r[i].Lat
	}
	return s / 2
}

// contains reports whether p lies in any of the area's polygons.
func (a *loadArea) contains(p geo.LatLng) bool {
	for _, q := range a.polys {
		if q.box.has(p) && q.contains(p) {
			return true
		}
	}
	return false
}

// contains applies the even-odd rule to p over the polygon's outer ring and
// holes together, so that points in a hole are outside.
func (q *areaPolygon) contains(p geo.LatLng) bool {
	in := crossesOdd(q.Outer, p)
	for _, h := range q.Holes {
		in = in != crossesOdd(h, p)
	}
	return in
}

// crossesOdd reports whether a ray from p towards increasing longitude
// crosses the closed ring r an odd number of times.
func crossesOdd(r geo.Ring, p geo.LatLng) bool {
	odd := false
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) && p.Lng < a.Lng+(p.Lat-a.Lat)*(b.Lng-a.Lng)/(b.Lat-a.Lat) {
			odd = !odd
		}
	}
	return odd
}

// point draws a point of the area: uniform in longitude and latitude, which
// over a city is uniform in area to within a percent. It draws points of
// the bounding box until one falls inside, so the sequence of points is
// fixed by rng's seed.
func (a *loadArea) point(rng *rand.Rand) *gridwatchv1.LatLng {
	b := a.box
	for {
		p := geo.LatLng{Lat: b.minLat + rng.Float64()*(b.maxLat-b.minLat), Lng: b.minLng + rng.Float64()*(b.maxLng-b.minLng)}
		if a.contains(p) {
			return &gridwatchv1.LatLng{Latitude: p.Lat, Longitude: p.Lng}
		}
	}
}
