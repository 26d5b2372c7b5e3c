package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Default limits of DecodeOptions.
const (
	defaultMaxFeatures = 100000
	defaultMaxVertices = 5000000
)

// Geometry is a decoded GeoJSON geometry.
type Geometry struct {
	Type     string    // "Point", "Polygon" or "MultiPolygon"
	Point    LatLng    // for Point
	Polygons []Polygon // for Polygon (one) and MultiPolygon (many)
}

// Feature is a decoded GeoJSON feature.
type Feature struct {
	Index      int                        // position in the collection
	ID         string                     // GeoJSON "id" (string or number, rendered as a string; numbers without exponent, e.g. 210102)
	Properties map[string]json.RawMessage // raw properties; callers decode what they need
	Geometry   Geometry
}

// DecodeOptions limits what DecodeFeatureCollection accepts.
type DecodeOptions struct {
	MaxFeatures int // 0 means 100000
	MaxVertices int // total over the collection; 0 means 5,000,000
}

// DecodeFeatureCollection parses and validates a GeoJSON FeatureCollection
// (RFC 7946: positions are [lng, lat] with an optional altitude, which is
// ignored). Each feature needs a Point, Polygon or MultiPolygon geometry.
// Positions must be numbers and pass ValidateLatLng.
//
// Every ring is normalised before validation: consecutive duplicate
// positions are dropped, and so are zero-width spikes (a vertex where the
// ring goes straight back the way it came, like a→b→a). Neither changes the
// area bounded; both are common in quantised outlines. The normalised ring
// must then satisfy ValidateRing, and polygons ValidatePolygon; the
// returned rings are the normalised ones.
//
// The first problem found is returned as a *FieldError naming the feature
// and path in the input, e.g. "features[3].geometry.coordinates[0][12]"
// (position indices count the positions as received); malformed JSON has
// Field "". MaxFeatures and MaxVertices are checked before the work they
// limit is done.
func DecodeFeatureCollection(data []byte, opts DecodeOptions) ([]Feature, error) {
	if opts.MaxFeatures <= 0 {
		opts.MaxFeatures = defaultMaxFeatures
	}
	if opts.MaxVertices <= 0 {
		opts.MaxVertices = defaultMaxVertices
	}
	raws, err := collectionFeatures(data, opts.MaxFeatures)
	if err != nil {
		return nil, err
	}
	budget := &vertexBudget{left: opts.MaxVertices, max: opts.MaxVertices}
	features := make([]Feature, len(raws))
	for i, raw := range raws {
		if features[i], err = decodeFeature(i, raw, budget); err != nil {
			return nil, err
		}
	}
	return features, nil
}

// featureJSON and geometryJSON hold the members this package reads.
type featureJSON struct {
	Type       json.RawMessage `json:"type"`
	ID         json.RawMessage `json:"id"`
	Properties json.RawMessage `json:"properties"`
	Geometry   *geometryJSON   `json:"geometry"`
}

type geometryJSON struct {
	Type        json.RawMessage `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// collectionFeatures checks the FeatureCollection envelope and splits out
// the features, decoding the whole document in one pass.
func collectionFeatures(data []byte, maxFeatures int) ([]featureJSON, error) {
	var top struct {
		Type     json.RawMessage `json:"type"`
		Features *[]featureJSON  `json:"features"`
	}
	err := json.Unmarshal(data, &top)
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return nil, locateTypeError(data)
	} else if err != nil {
		return nil, &FieldError{Reason: "malformed GeoJSON: " + err.Error()}
	}
	if err := expectType("type", top.Type, "FeatureCollection"); err != nil {
		return nil, err
	}
	if top.Features == nil {
		return nil, &FieldError{Field: "features", Reason: "must be an array of features"}
	}
	if n := len(*top.Features); n > maxFeatures {
		return nil, &FieldError{Field: "features", Reason: fmt.Sprintf(
			"collection has %d features; at most %d are allowed", n, maxFeatures)}
	}
	return *top.Features, nil
}

// locateTypeError decodes step by step to name the member that has the
// wrong JSON type. It is called only after the one-pass decode failed.
func locateTypeError(data []byte) error {
	var top struct {
		Features json.RawMessage `json:"features"`
	}
	if json.Unmarshal(data, &top) != nil {
		return &FieldError{Reason: "malformed GeoJSON: the document must be an object"}
	}
	var raws []json.RawMessage
	if json.Unmarshal(top.Features, &raws) != nil {
		return &FieldError{Field: "features", Reason: "must be an array of features"}
	}
	for i, raw := range raws {
		var f struct {
			Geometry json.RawMessage `json:"geometry"`
		}
		if json.Unmarshal(raw, &f) != nil {
			return &FieldError{Field: fmt.Sprintf("features[%d]", i), Reason: "feature must be an object"}
		}
		var g geometryJSON
		if !isAbsent(f.Geometry) && json.Unmarshal(f.Geometry, &g) != nil {
			return &FieldError{Field: fmt.Sprintf("features[%d].geometry", i), Reason: "geometry must be an object"}
		}
	}
	return &FieldError{Reason: "malformed GeoJSON"} // not reached: the one-pass decode failed somewhere above
}

// decodeFeature decodes and validates feature i.
func decodeFeature(i int, fj featureJSON, budget *vertexBudget) (Feature, error) {
	at := fmt.Sprintf("features[%d]", i)
	if err := expectType(at+".type", fj.Type, "Feature"); err != nil {
		return Feature{}, err
	}
	f := Feature{Index: i}
	var err error
	if f.ID, err = decodeID(at+".id", fj.ID); err != nil {
		return Feature{}, err
	}
	if !isAbsent(fj.Properties) && json.Unmarshal(fj.Properties, &f.Properties) != nil {
		return Feature{}, &FieldError{Field: at + ".properties", Reason: "must be an object or null"}
	}
	if fj.Geometry == nil {
		return Feature{}, &FieldError{Field: at + ".geometry", Reason: "feature has no geometry"}
	}
	budget.feature = at
	f.Geometry, err = decodeGeometry(at+".geometry", fj.Geometry, budget)
	return f, err
}

// decodeGeometry decodes and validates a Point, Polygon or MultiPolygon.
func decodeGeometry(at string, gj *geometryJSON, budget *vertexBudget) (Geometry, error) {
	var g Geometry
	if json.Unmarshal(gj.Type, &g.Type) != nil {
		return Geometry{}, &FieldError{Field: at + ".type", Reason: "must be a string"}
	}
	switch g.Type {
	case "Point", "Polygon", "MultiPolygon":
	default:
		return Geometry{}, &FieldError{Field: at + ".type", Reason: fmt.Sprintf(
			"unsupported geometry type %q (want Point, Polygon or MultiPolygon)", g.Type)}
	}
	if isAbsent(gj.Coordinates) {
		return Geometry{}, &FieldError{Field: at + ".coordinates", Reason: "missing"}
	}
	cp := &coordParser{data: gj.Coordinates, budget: budget}
	path := coordPath{base: at + ".coordinates"}
	var err error
	switch g.Type {
	case "Point":
		g.Point, err = cp.position(path)
	case "Polygon":
		g.Polygons, err = decodePolygons(cp, path, false)
	default:
		g.Polygons, err = decodePolygons(cp, path, true)
	}
	return g, err
}

// decodePolygons parses the coordinates of a Polygon or MultiPolygon and
// builds validated polygons.
func decodePolygons(cp *coordParser, path coordPath, multi bool) ([]Polygon, error) {
	if !multi {
		rings, err := cp.polygon(path)
		if err != nil {
			return nil, err
		}
		p, err := buildPolygon(path.String(), rings)
		return []Polygon{p}, err
	}
	polys, err := cp.multiPolygon(path)
	if err != nil {
		return nil, err
	}
	out := make([]Polygon, len(polys))
	for k, rings := range polys {
		if out[k], err = buildPolygon(path.at(k).String(), rings); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// buildPolygon normalises and validates the rings of one polygon.
func buildPolygon(field string, rings [][]LatLng) (Polygon, error) {
	clean := make([]Ring, len(rings))
	for k, raw := range rings {
		c := despike(dedupe(raw))
		if err := checkRing(indexField(field, k), c); err != nil {
			return Polygon{}, err
		}
		clean[k] = Ring(c.pts)
	}
	p := Polygon{Outer: clean[0]}
	if len(clean) > 1 {
		p.Holes = clean[1:]
	}
	return p, checkHoles(field, p)
}

// expectType checks a "type" member.
func expectType(field string, raw json.RawMessage, want string) error {
	var got string
	if isAbsent(raw) || json.Unmarshal(raw, &got) != nil || got != want {
		return &FieldError{Field: field, Reason: fmt.Sprintf("must be %q, got %s", want, describe(raw))}
	}
	return nil
}

// isAbsent reports whether a member was missing or null.
func isAbsent(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// describe renders a raw JSON value briefly for error messages.
func describe(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return "nothing"
	case len(raw) > 40:
		n := 40
		for n > 0 && !utf8.RuneStart(raw[n]) {
			n--
		}
		return string(raw[:n]) + "…"
	}
	return string(raw)
}
