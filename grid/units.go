package grid

import (
	"context"
	"fmt"
)

// unitParentType is the type a unit's parent must have.
var unitParentType = map[UnitType]UnitType{UnitDistrict: UnitCity, UnitStation: UnitDistrict}

// ImportUnits stores units from a CSV file with the columns
// id,type,name,parent,head_id,head_name (type: city, district or station).
// A parent may be in the same file or already stored; a city has none, a
// district's parent is a city and a station's a district.
func (s *Service) ImportUnits(ctx context.Context, up Upload) (int, error) {
	if up.format() != FormatCSV {
		return 0, invalid("format", "units are imported from CSV")
	}
	t, err := readCSV(up.Data, []string{"id", "type", "name"}, []string{"parent", "head_id", "head_name"})
	if err != nil {
		return 0, err
	}
	units, err := parseUnits(t)
	if err != nil {
		return 0, err
	}
	if err := s.checkUnitParents(ctx, t, units); err != nil {
		return 0, err
	}
	if up.ValidateOnly {
		return len(units), nil
	}
	if err := s.store.PutUnits(ctx, units); err != nil {
		return 0, fmt.Errorf("storing units: %w", err)
	}
	return len(units), nil
}

func parseUnits(t *table) ([]Unit, error) {
	if err := emptyCheck(len(t.rows)); err != nil {
		return nil, err
	}
	units := make([]Unit, len(t.rows))
	seen := dupCheck{}
	for i := range t.rows {
		u := Unit{ID: t.get(i, "id"), Name: t.get(i, "name"), Parent: t.get(i, "parent"),
			Head: Person{ID: t.get(i, "head_id"), Name: t.get(i, "head_name")}}
		if err := CheckID(t.field(i, "id"), u.ID); err != nil {
			return nil, err
		}
		if err := seen.add(t.field(i, "id"), u.ID); err != nil {
			return nil, err
		}
		typ, err := ParseUnitType(t.get(i, "type"))
		if err != nil {
			return nil, invalid(t.field(i, "type"), err.Error())
		}
		u.Type = typ
		if u.Name == "" {
			u.Name = u.ID
		}
		units[i] = u
	}
	return units, nil
}

// checkUnitParents enforces the hierarchy city → district → station.
func (s *Service) checkUnitParents(ctx context.Context, t *table, units []Unit) error {
	byID := make(map[string]Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	for i, u := range units {
		field := t.field(i, "parent")
		want, needs := unitParentType[u.Type]
		if !needs {
			if u.Parent != "" {
				return invalid(field, "a city has no parent")
			}
			continue
		}
		if u.Parent == "" {
			return invalid(field, fmt.Sprintf("a %s needs a parent %s", u.Type, want))
		}
		p, ok := byID[u.Parent]
		if !ok {
			var err error
			if p, err = s.store.Unit(ctx, u.Parent); isNotFound(err) {
				return invalid(field, fmt.Sprintf("unit %q does not exist", u.Parent))
			} else if err != nil {
				return fmt.Errorf("reading unit %q: %w", u.Parent, err)
			}
		}
		if p.Type != want {
			return invalid(field, fmt.Sprintf("a %s's parent must be a %s, %q is a %s", u.Type, want, p.ID, p.Type))
		}
	}
	return nil
}

// Unit returns one unit.
func (s *Service) Unit(ctx context.Context, id string) (Unit, error) {
	if err := CheckID("id", id); err != nil {
		return Unit{}, err
	}
	return s.store.Unit(ctx, id)
}

// Units returns every unit ordered by ID.
func (s *Service) Units(ctx context.Context) ([]Unit, error) { return s.store.Units(ctx) }
