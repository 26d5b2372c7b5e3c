package geo

import (
	"errors"
	"fmt"
	"testing"
)

func FuzzDecodeFeatureCollection(f *testing.F) {
	f.Add(collection(feature("Polygon", "["+square+"]")))
	f.Add(collection(
		`{"type":"Feature","id":210102,"properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[123.4,41.8,3]}}`,
		feature("MultiPolygon", `[[`+square+`],[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]]`)))
	f.Add(collection(feature("Polygon", `[[[0,0],[4,0],[4,2],[6,2],[4,2],[4,4],[0,4],[0,0]]]`)))
	f.Add(collection(feature("Polygon", `[[[0,0],[2,0],[2,2],[4,2],[4,4],[2,4],[2,2],[0,2],[0,0]]]`)))
	f.Add(collection(feature("Polygon", `[[[0,0],[1,1],[1,0],[0,1],[0,0]]]`)))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":1e5,"geometry":{"type":"Point","coordinates":[1e400,"NaN"]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		features, err := DecodeFeatureCollection(data, DecodeOptions{MaxVertices: 20000})
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) || features != nil {
				t.Fatalf("got %v (%T) with %d features; want a *FieldError and none", err, err, len(features))
			}
			return
		}
		for i, f := range features {
			if err := checkDecoded(i, f); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// checkDecoded verifies the guarantees of a successfully decoded feature:
// valid positions, rings of at least 4 positions that are closed, and
// polygons that pass the strict ValidatePolygon.
func checkDecoded(i int, f Feature) error {
	if f.Index != i {
		return fmt.Errorf("feature %d has Index %d", i, f.Index)
	}
	g := f.Geometry
	switch g.Type {
	case "Point":
		if len(g.Polygons) != 0 {
			return fmt.Errorf("feature %d: point with polygons", i)
		}
		return ValidateLatLng("point", g.Point)
	case "Polygon", "MultiPolygon":
		if len(g.Polygons) == 0 || (g.Type == "Polygon" && len(g.Polygons) != 1) {
			return fmt.Errorf("feature %d: %s with %d polygons", i, g.Type, len(g.Polygons))
		}
	default:
		return fmt.Errorf("feature %d: type %q", i, g.Type)
	}
	for k, p := range g.Polygons {
		for _, r := range append([]Ring{p.Outer}, p.Holes...) {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return fmt.Errorf("feature %d polygon %d: ring %v is short or open", i, k, r)
			}
			for _, q := range r {
				if err := ValidateLatLng("vertex", q); err != nil {
					return err
				}
			}
		}
		if err := ValidatePolygon(fmt.Sprintf("features[%d].polygon[%d]", i, k), p); err != nil {
			return fmt.Errorf("decoded polygon fails ValidatePolygon: %w", err)
		}
	}
	return nil
}
