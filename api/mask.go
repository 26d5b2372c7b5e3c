package api

import (
	"slices"
	"strings"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
)

// personFields are the Grid fields that hold a Person.
var personFields = []string{"officer", "team_leader", "deputy_chief"}

// personSubfields are the Person fields a mask path may name below a
// person, as "officer.id".
var personSubfields = []string{"id", "display_name"}

// gridUpdate is a checked UpdateGrid request.
type gridUpdate struct {
	grid grid.Grid
	// fields are the top-level fields to update; nil means all of them.
	fields []string
	// partial maps a person field to its only subfield the mask names;
	// the person's other subfield keeps its stored value.
	partial map[string]string
}

// checkUpdateGridRequest checks an UpdateGrid request and its mask; an
// output-only field set in the grid is rejected.
func checkUpdateGridRequest(req *gridwatchv1.UpdateGridRequest) (gridUpdate, error) {
	g := req.GetGrid()
	if g == nil {
		return gridUpdate{}, invalid("grid", "required")
	}
	kind, id, err := parseGridName("grid.name", g.GetName())
	if err != nil {
		return gridUpdate{}, err
	}
	unit, err := parseOptionalName("grid.unit", g.GetUnit(), units)
	if err != nil {
		return gridUpdate{}, err
	}
	u := gridUpdate{grid: grid.Grid{
		Kind:        kind,
		ID:          id,
		Name:        g.GetDisplayName(),
		Unit:        unit,
		Officer:     personFromProto(g.GetOfficer()),
		TeamLeader:  personFromProto(g.GetTeamLeader()),
		DeputyChief: personFromProto(g.GetDeputyChief()),
	}}
	if u.fields, u.partial, err = checkGridMask(req.GetUpdateMask(), g); err != nil {
		return gridUpdate{}, err
	}
	return u, checkOutputOnly("grid", g, gridInputFields)
}

// checkGridMask returns the fields an update mask names. An empty mask
// names the updatable fields set in g; "*" names them all (nil fields).
func checkGridMask(m *fieldmaskpb.FieldMask, g *gridwatchv1.Grid) ([]string, map[string]string, error) {
	paths := m.GetPaths()
	if len(paths) == 0 {
		return populatedGridFields(g), nil, nil
	}
	if slices.Contains(paths, "*") {
		if len(paths) > 1 {
			return nil, nil, invalid("update_mask", `"*" must be the only path`)
		}
		return nil, nil, nil
	}
	whole := map[string]bool{}
	subs := map[string][]string{}
	for _, p := range paths {
		top, sub, nested := strings.Cut(p, ".")
		if !slices.Contains(grid.UpdatableGridFields, top) || nested && !isPersonSubpath(top, sub) {
			return nil, nil, invalidf("update_mask",
				"%s is not updatable (want display_name, unit, officer, team_leader, deputy_chief or a person's id or display_name)", clip(p))
		}
		if nested {
			subs[top] = append(subs[top], sub)
		} else {
			whole[top] = true
		}
	}
	fields, partial := maskFields(whole, subs)
	return fields, partial, nil
}

// maskFields returns the top-level fields of whole and subs in canonical
// order, and the persons of which the mask names a single subfield.
func maskFields(whole map[string]bool, subs map[string][]string) ([]string, map[string]string) {
	fields := []string{}
	partial := map[string]string{}
	for _, f := range grid.UpdatableGridFields {
		s := subs[f]
		if !whole[f] && len(s) == 0 {
			continue
		}
		fields = append(fields, f)
		bothSubfields := slices.Contains(s, "id") && slices.Contains(s, "display_name")
		if !whole[f] && !bothSubfields {
			partial[f] = s[0]
		}
	}
	return fields, partial
}

// isPersonSubpath reports whether top.sub names a subfield of a person.
func isPersonSubpath(top, sub string) bool {
	return slices.Contains(personFields, top) && slices.Contains(personSubfields, sub)
}

// populatedGridFields returns the updatable fields set in g, for an update
// without a mask.
func populatedGridFields(g *gridwatchv1.Grid) []string {
	set := map[string]bool{
		"display_name": g.GetDisplayName() != "",
		"unit":         g.GetUnit() != "",
		"officer":      g.GetOfficer() != nil,
		"team_leader":  g.GetTeamLeader() != nil,
		"deputy_chief": g.GetDeputyChief() != nil,
	}
	fields := []string{}
	for _, f := range grid.UpdatableGridFields {
		if set[f] {
			fields = append(fields, f)
		}
	}
	return fields
}

// person returns a pointer to g's person field f (one of "officer",
// "team_leader", "deputy_chief").
func person(g *grid.Grid, f string) *grid.Person {
	switch f {
	case "officer":
		return &g.Officer
	case "team_leader":
		return &g.TeamLeader
	}
	return &g.DeputyChief
}

// keepStored copies from stored the subfields of persons the mask leaves
// alone.
func (u *gridUpdate) keepStored(stored grid.Grid) {
	for f, sub := range u.partial {
		p, old := person(&u.grid, f), person(&stored, f)
		if sub == "id" {
			p.Name = old.Name
		} else {
			p.ID = old.ID
		}
	}
}
