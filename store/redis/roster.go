package redis

import (
	"context"
	"fmt"

	"github.com/gridwatch/gridwatch/grid"
)

// PutResponders inserts or replaces responders by ID, all or none.
func (s *Store) PutResponders(ctx context.Context, rs []grid.Responder) error {
	err := putHash(ctx, s, s.k.roster(), rs, func(x grid.Responder) (string, string, error) {
		r, err := newResponderRecord(x)
		if err != nil {
			return "", "", fmt.Errorf("responder %q: %w", x.ID, err)
		}
		data, err := encode(r)
		return x.ID, data, err
	})
	if err != nil {
		return fail(err, "put responders")
	}
	return nil
}

// Responder returns one responder or an error wrapping ErrNotFound.
func (s *Store) Responder(ctx context.Context, id string) (grid.Responder, error) {
	r, err := getHash[responderRecord](ctx, s, s.k.roster(), id)
	if err != nil {
		return grid.Responder{}, fail(err, "responder %q", id)
	}
	x, err := r.responder()
	if err != nil {
		return grid.Responder{}, fail(err, "responder %q", id)
	}
	return x, nil
}

// Responders returns the whole roster ordered by ID.
func (s *Store) Responders(ctx context.Context) ([]grid.Responder, error) {
	rs, err := listHash(ctx, s, s.k.roster(), responderRecord.responder,
		func(x grid.Responder) string { return x.ID })
	if err != nil {
		return nil, fail(err, "responders")
	}
	return rs, nil
}
