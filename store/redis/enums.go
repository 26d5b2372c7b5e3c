package redis

import (
	"fmt"

	"github.com/gridwatch/gridwatch/grid"
)

// enumNames spells an enum in stored records. The tables are this package's
// own, so renaming a domain spelling cannot change the stored format. The
// zero (unspecified) value is stored as "".
type enumNames[E comparable] struct {
	what   string
	names  map[E]string
	values map[string]E
}

func newEnumNames[E comparable](what string, names map[E]string) enumNames[E] {
	values := make(map[string]E, len(names))
	for e, n := range names {
		values[n] = e
	}
	return enumNames[E]{what: what, names: names, values: values}
}

// name spells e; an unknown value is invalid input.
func (t enumNames[E]) name(e E) (string, error) {
	n, ok := t.names[e]
	if !ok {
		return "", fmt.Errorf("%s %v: %w", t.what, e, grid.ErrInvalid)
	}
	return n, nil
}

// value reads a stored spelling.
func (t enumNames[E]) value(n string) (E, error) {
	e, ok := t.values[n]
	if !ok {
		return e, fmt.Errorf("stored %s %q unknown", t.what, n)
	}
	return e, nil
}

var unitTypes = newEnumNames("unit type", map[grid.UnitType]string{
	grid.UnitTypeUnspecified: "",
	grid.UnitCity:            "city",
	grid.UnitDistrict:        "district",
	grid.UnitStation:         "station",
})

var responderKinds = newEnumNames("responder kind", map[grid.ResponderKind]string{
	grid.ResponderKindUnspecified: "",
	grid.CommunityOfficer:         "community_officer",
	grid.PatrolOfficer:            "patrol_officer",
	grid.WatchPostStaff:           "watch_post_staff",
	grid.WatchVolunteer:           "watch_volunteer",
	grid.SafetyVolunteer:          "safety_volunteer",
	grid.SecurityGuard:            "security_guard",
	grid.Reinforcement:            "reinforcement",
})

var travelModes = newEnumNames("travel mode", map[grid.TravelMode]string{
	grid.TravelModeUnspecified: "",
	grid.Walk:                  "walk",
	grid.Bike:                  "bike",
	grid.Car:                   "car",
})
