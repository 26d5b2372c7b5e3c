package redis

import (
	"context"

	"github.com/gridwatch/gridwatch/grid"
)

// PutPosts inserts or replaces watch posts by ID, all or none.
func (s *Store) PutPosts(ctx context.Context, posts []grid.WatchPost) error {
	err := putHash(ctx, s, s.k.posts(), posts, func(p grid.WatchPost) (string, string, error) {
		data, err := encode(newPostRecord(p))
		return p.ID, data, err
	})
	if err != nil {
		return fail(err, "put posts")
	}
	return nil
}

// Posts returns every watch post ordered by ID.
func (s *Store) Posts(ctx context.Context) ([]grid.WatchPost, error) {
	ps, err := listHash(ctx, s, s.k.posts(), postRecord.post,
		func(p grid.WatchPost) string { return p.ID })
	if err != nil {
		return nil, fail(err, "posts")
	}
	return ps, nil
}

// PutCompounds inserts or replaces compounds by ID, all or none.
func (s *Store) PutCompounds(ctx context.Context, cs []grid.Compound) error {
	err := putHash(ctx, s, s.k.compounds(), cs, func(c grid.Compound) (string, string, error) {
		data, err := encode(newCompoundRecord(c))
		return c.ID, data, err
	})
	if err != nil {
		return fail(err, "put compounds")
	}
	return nil
}

// Compounds returns every compound ordered by ID.
func (s *Store) Compounds(ctx context.Context) ([]grid.Compound, error) {
	cs, err := listHash(ctx, s, s.k.compounds(), compoundRecord.compound,
		func(c grid.Compound) string { return c.ID })
	if err != nil {
		return nil, fail(err, "compounds")
	}
	return cs, nil
}
