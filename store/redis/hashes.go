package redis

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/gridwatch/gridwatch/grid"
	goredis "github.com/redis/go-redis/v9"
)

// putHash sets ID → JSON for every item in one hash, in one transaction, so
// that the items are stored all or none. rec returns an item's ID and JSON.
func putHash[T any](ctx context.Context, s *Store, key string, items []T,
	rec func(T) (id, data string, err error)) error {
	if len(items) == 0 {
		return nil
	}
	pairs := make([]any, 0, 2*len(items))
	for _, it := range items {
		id, data, err := rec(it)
		if err != nil {
			return err
		}
		pairs = append(pairs, id, data)
	}
	_, err := s.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		queueHSet(ctx, p, key, pairs)
		return nil
	})
	return err
}

// queueHSet queues HSETs of field/value pairs, at most chunk pairs each.
func queueHSet(ctx context.Context, p goredis.Pipeliner, key string, pairs []any) {
	for i := 0; i < len(pairs); i += 2 * chunk {
		p.HSet(ctx, key, pairs[i:min(i+2*chunk, len(pairs))]...)
	}
}

// queueHDel queues HDELs of fields, at most chunk each.
func queueHDel(ctx context.Context, p goredis.Pipeliner, key string, fields []string) {
	for i := 0; i < len(fields); i += chunk {
		p.HDel(ctx, key, fields[i:min(i+chunk, len(fields))]...)
	}
}

// listHash decodes every value of one hash into items ordered by ID.
func listHash[R versioned, T any](ctx context.Context, s *Store, key string,
	conv func(R) (T, error), id func(T) string) ([]T, error) {
	m, err := s.c.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(m))
	for _, data := range m {
		r, err := decode[R](data)
		if err != nil {
			return nil, err
		}
		item, err := conv(r)
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(id(a), id(b)) })
	return out, nil
}

// getHash decodes the value of one field; the error wraps ErrNotFound if the
// field is absent.
func getHash[R versioned](ctx context.Context, s *Store, key, id string) (R, error) {
	data, err := s.c.HGet(ctx, key, id).Result()
	if errors.Is(err, goredis.Nil) {
		var r R
		return r, grid.ErrNotFound
	}
	if err != nil {
		var r R
		return r, err
	}
	return decode[R](data)
}
