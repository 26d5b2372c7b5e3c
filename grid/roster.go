package grid

import (
	"context"
	"fmt"
	"strings"
)

// defaultTravelMode is the mode of a roster row that names none: patrols
// and reinforcements drive, everyone else walks.
func defaultTravelMode(k ResponderKind) TravelMode {
	if k == PatrolOfficer || k == Reinforcement {
		return Car
	}
	return Walk
}

// ImportResponders stores the roster from CSV with the columns
// id,name,kind,travel_mode,home_grid,compound,post. home_grid names a
// police grid (its ID, or "policeGrids/{id}"); compound and post name stored
// compounds and watch posts.
func (s *Service) ImportResponders(ctx context.Context, up Upload) (int, error) {
	if up.format() != FormatCSV {
		return 0, invalid("format", "the roster is imported from CSV")
	}
	t, err := readCSV(up.Data, []string{"id", "kind"}, []string{"name", "travel_mode", "home_grid", "compound", "post"})
	if err != nil {
		return 0, err
	}
	rs, err := parseResponders(t)
	if err != nil {
		return 0, err
	}
	if err := s.checkRosterRefs(ctx, t, rs); err != nil {
		return 0, err
	}
	if up.ValidateOnly {
		return len(rs), nil
	}
	if err := s.store.PutResponders(ctx, rs); err != nil {
		return 0, fmt.Errorf("storing the roster: %w", err)
	}
	return len(rs), nil
}

func parseResponders(t *table) ([]Responder, error) {
	if err := emptyCheck(len(t.rows)); err != nil {
		return nil, err
	}
	rs := make([]Responder, len(t.rows))
	seen := dupCheck{}
	for i := range t.rows {
		r := Responder{ID: t.get(i, "id"), Name: t.get(i, "name"), HomeGrid: strings.TrimPrefix(t.get(i, "home_grid"), "policeGrids/"),
			Compound: t.get(i, "compound"), Post: t.get(i, "post")}
		if err := CheckID(t.field(i, "id"), r.ID); err != nil {
			return nil, err
		}
		if err := seen.add(t.field(i, "id"), r.ID); err != nil {
			return nil, err
		}
		var err error
		if r.Kind, err = ParseResponderKind(t.get(i, "kind")); err != nil {
			return nil, invalid(t.field(i, "kind"), err.Error())
		}
		r.TravelMode = defaultTravelMode(r.Kind)
		if m := t.get(i, "travel_mode"); m != "" {
			if r.TravelMode, err = ParseTravelMode(m); err != nil {
				return nil, invalid(t.field(i, "travel_mode"), err.Error())
			}
		}
		r.Name = orID(r.Name, r.ID)
		rs[i] = r
	}
	return rs, nil
}

// checkRosterRefs requires home grids, compounds and posts to exist.
func (s *Service) checkRosterRefs(ctx context.Context, t *table, rs []Responder) error {
	compounds, err := s.idSet(ctx, func(ctx context.Context) ([]string, error) {
		cs, err := s.store.Compounds(ctx)
		return mapIDs(cs, func(c Compound) string { return c.ID }), err
	})
	if err != nil {
		return err
	}
	posts, err := s.idSet(ctx, func(ctx context.Context) ([]string, error) {
		ps, err := s.store.Posts(ctx)
		return mapIDs(ps, func(p WatchPost) string { return p.ID }), err
	})
	if err != nil {
		return err
	}
	grids, err := s.idSet(ctx, func(ctx context.Context) ([]string, error) {
		gs, err := s.store.Grids(ctx, Police)
		return mapIDs(gs, func(g Grid) string { return g.ID }), err
	})
	if err != nil {
		return err
	}
	for i, r := range rs {
		for _, ref := range []struct {
			col, id, what string
			set           map[string]bool
		}{{"home_grid", r.HomeGrid, "police grid", grids}, {"compound", r.Compound, "compound", compounds}, {"post", r.Post, "watch post", posts}} {
			if ref.id != "" && !ref.set[ref.id] {
				return invalid(t.field(i, ref.col), fmt.Sprintf("%s %q does not exist", ref.what, ref.id))
			}
		}
	}
	return nil
}

func (s *Service) idSet(ctx context.Context, list func(context.Context) ([]string, error)) (map[string]bool, error) {
	ids, err := list(ctx)
	if err != nil {
		return nil, fmt.Errorf("checking roster references: %w", err)
	}
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}

func mapIDs[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// Responder returns one roster entry.
func (s *Service) Responder(ctx context.Context, id string) (Responder, error) {
	if err := CheckID("id", id); err != nil {
		return Responder{}, err
	}
	return s.store.Responder(ctx, id)
}

// Responders returns the roster ordered by ID.
func (s *Service) Responders(ctx context.Context) ([]Responder, error) {
	return s.store.Responders(ctx)
}

// UnderstaffedCompounds lists, ordered by ID, the compounds with fewer than
// MinWatchVolunteers watch volunteers on the roster.
func (s *Service) UnderstaffedCompounds(ctx context.Context) ([]CompoundQuota, error) {
	cs, err := s.store.Compounds(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading compounds: %w", err)
	}
	rs, err := s.store.Responders(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the roster: %w", err)
	}
	count := map[string]int{}
	for _, r := range rs {
		if r.Kind == WatchVolunteer && r.Compound != "" {
			count[r.Compound]++
		}
	}
	var out []CompoundQuota
	for _, c := range cs {
		if n := count[c.ID]; n < MinWatchVolunteers {
			out = append(out, CompoundQuota{Compound: c, WatchVolunteers: n})
		}
	}
	return out, nil
}
