package redis

import (
	"context"
	"fmt"

	"github.com/gridwatch/gridwatch/grid"
)

// PutUnits inserts or replaces units by ID, all or none.
func (s *Store) PutUnits(ctx context.Context, units []grid.Unit) error {
	err := putHash(ctx, s, s.k.units(), units, func(u grid.Unit) (string, string, error) {
		r, err := newUnitRecord(u)
		if err != nil {
			return "", "", fmt.Errorf("unit %q: %w", u.ID, err)
		}
		data, err := encode(r)
		return u.ID, data, err
	})
	if err != nil {
		return fail(err, "put units")
	}
	return nil
}

// Unit returns one unit or an error wrapping ErrNotFound.
func (s *Store) Unit(ctx context.Context, id string) (grid.Unit, error) {
	r, err := getHash[unitRecord](ctx, s, s.k.units(), id)
	if err != nil {
		return grid.Unit{}, fail(err, "unit %q", id)
	}
	u, err := r.unit()
	if err != nil {
		return grid.Unit{}, fail(err, "unit %q", id)
	}
	return u, nil
}

// Units returns every unit ordered by ID.
func (s *Store) Units(ctx context.Context) ([]grid.Unit, error) {
	us, err := listHash(ctx, s, s.k.units(), unitRecord.unit,
		func(u grid.Unit) string { return u.ID })
	if err != nil {
		return nil, fail(err, "units")
	}
	return us, nil
}
