package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/gridwatch/gridwatch/grid"
)

func notFound(what, id string) error { return fmt.Errorf("%s %q: %w", what, id, grid.ErrNotFound) }

func sortedValues[T any](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// PutUnits implements grid.UnitStore.
func (s *Store) PutUnits(ctx context.Context, us []grid.Unit) error {
	return put(s, ctx, s.units, us, func(u grid.Unit) string { return u.ID })
}

// Unit implements grid.UnitStore.
func (s *Store) Unit(ctx context.Context, id string) (grid.Unit, error) {
	return get(s, ctx, s.units, "unit", id)
}

// Units implements grid.UnitStore.
func (s *Store) Units(ctx context.Context) ([]grid.Unit, error) { return list(s, ctx, s.units) }

// PutPosts implements grid.SiteStore.
func (s *Store) PutPosts(ctx context.Context, ps []grid.WatchPost) error {
	return put(s, ctx, s.posts, ps, func(p grid.WatchPost) string { return p.ID })
}

// Posts implements grid.SiteStore.
func (s *Store) Posts(ctx context.Context) ([]grid.WatchPost, error) { return list(s, ctx, s.posts) }

// PutCompounds implements grid.SiteStore.
func (s *Store) PutCompounds(ctx context.Context, cs []grid.Compound) error {
	return put(s, ctx, s.compounds, cs, func(c grid.Compound) string { return c.ID })
}

// Compounds implements grid.SiteStore.
func (s *Store) Compounds(ctx context.Context) ([]grid.Compound, error) {
	return list(s, ctx, s.compounds)
}

// PutResponders implements grid.RosterStore.
func (s *Store) PutResponders(ctx context.Context, rs []grid.Responder) error {
	return put(s, ctx, s.responders, rs, func(r grid.Responder) string { return r.ID })
}

// Responder implements grid.RosterStore.
func (s *Store) Responder(ctx context.Context, id string) (grid.Responder, error) {
	return get(s, ctx, s.responders, "responder", id)
}

// Responders implements grid.RosterStore.
func (s *Store) Responders(ctx context.Context) ([]grid.Responder, error) {
	return list(s, ctx, s.responders)
}
