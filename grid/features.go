package grid

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gridwatch/gridwatch/geo"
)

// prop reads a string property of a GeoJSON feature; JSON numbers are
// accepted and rendered without an exponent.
func prop(f geo.Feature, key string) (string, error) {
	raw, ok := f.Properties[key]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var n float64
	if err := json.Unmarshal(raw, &n); err == nil {
		return strconv.FormatFloat(n, 'f', -1, 64), nil
	}
	return "", invalid(propField(f, key), "want a string or a number")
}

func propField(f geo.Feature, key string) string {
	return fmt.Sprintf("features[%d].properties.%s", f.Index, key)
}

// person reads the <role>_id and <role>_name properties.
func person(f geo.Feature, role string) (Person, error) {
	id, err := prop(f, role+"_id")
	if err != nil {
		return Person{}, err
	}
	name, err := prop(f, role+"_name")
	return Person{ID: id, Name: name}, err
}

// featureID is the "id" property, else the feature's own id.
func featureID(f geo.Feature) (string, error) {
	id, err := prop(f, "id")
	if err != nil {
		return "", err
	}
	field := propField(f, "id")
	if id == "" {
		id, field = f.ID, fmt.Sprintf("features[%d].id", f.Index)
	}
	return id, CheckID(field, id)
}

// gridFromFeature reads a grid's metadata from a feature's properties.
func gridFromFeature(f geo.Feature, kind Kind, defaultUnit string) (Grid, error) {
	g := Grid{Kind: kind}
	var err error
	if g.ID, err = featureID(f); err != nil {
		return g, err
	}
	if g.Name, err = prop(f, "name"); err != nil {
		return g, err
	}
	if g.Name == "" {
		g.Name = g.ID
	}
	if g.Unit, err = prop(f, "unit"); err != nil {
		return g, err
	}
	if g.Unit == "" {
		g.Unit = defaultUnit
	}
	for _, p := range []struct {
		role string
		dst  *Person
	}{{"officer", &g.Officer}, {"team_leader", &g.TeamLeader}, {"deputy_chief", &g.DeputyChief}} {
		if *p.dst, err = person(f, p.role); err != nil {
			return g, err
		}
	}
	return g, nil
}
