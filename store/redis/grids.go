package redis

import (
	"context"
	"errors"
	"fmt"

	"github.com/gridwatch/gridwatch/grid"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// maxCASAttempts bounds UpdateGrid's retries when the record keeps changing.
const maxCASAttempts = 16

// casField sets a hash field to ARGV[3] if it still holds ARGV[2]. It
// returns 1 if set, 0 if the value changed and -1 if the field is absent.
var casField = goredis.NewScript(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return -1 end
if cur ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`)

// UpdateGrid replaces a grid's metadata (name, unit, officers) but not its
// cells, Resolution, CellCount or AreaM2; ErrNotFound if absent.
func (s *Store) UpdateGrid(ctx context.Context, g grid.Grid) error {
	if err := s.updateGrid(ctx, g); err != nil {
		return fail(err, "update grid %v %q", g.Kind, g.ID)
	}
	return nil
}

// updateGrid merges g into the stored record with a compare-and-set.
func (s *Store) updateGrid(ctx context.Context, g grid.Grid) error {
	if err := checkKind(g.Kind); err != nil {
		return err
	}
	key := s.k.grids(g.Kind)
	for range maxCASAttempts {
		old, err := s.c.HGet(ctx, key, g.ID).Result()
		if errors.Is(err, goredis.Nil) {
			return grid.ErrNotFound
		}
		if err != nil {
			return err
		}
		next, err := mergeGrid(old, g)
		if err != nil {
			return err
		}
		n, err := casField.Run(ctx, s.c, []string{key}, g.ID, old, next).Int()
		switch {
		case err != nil:
			return err
		case n < 0:
			return grid.ErrNotFound
		case n > 0:
			return nil
		}
	}
	return fmt.Errorf("record changed %d times while updating", maxCASAttempts)
}

// mergeGrid returns the record of g with the stored record's cell facts.
func mergeGrid(old string, g grid.Grid) (string, error) {
	prev, err := decode[gridRecord](old)
	if err != nil {
		return "", err
	}
	r := newGridRecord(g)
	r.Resolution, r.CellCount, r.AreaM2 = prev.Resolution, prev.CellCount, prev.AreaM2
	return encode(r)
}

// Grid returns one grid or an error wrapping ErrNotFound.
func (s *Store) Grid(ctx context.Context, kind grid.Kind, id string) (grid.Grid, error) {
	if err := checkKind(kind); err != nil {
		return grid.Grid{}, fail(err, "grid %q", id)
	}
	r, err := getHash[gridRecord](ctx, s, s.k.grids(kind), id)
	if err != nil {
		return grid.Grid{}, fail(err, "grid %v %q", kind, id)
	}
	return r.grid(kind), nil
}

// Grids returns the grids of a kind ordered by ID.
func (s *Store) Grids(ctx context.Context, kind grid.Kind) ([]grid.Grid, error) {
	if err := checkKind(kind); err != nil {
		return nil, fail(err, "grids")
	}
	gs, err := listHash(ctx, s, s.k.grids(kind),
		func(r gridRecord) (grid.Grid, error) { return r.grid(kind), nil },
		func(g grid.Grid) string { return g.ID })
	if err != nil {
		return nil, fail(err, "grids %v", kind)
	}
	return gs, nil
}

// GridCells returns the cells a grid owns, in the order they were put; the
// error wraps ErrNotFound if there is no such grid.
func (s *Store) GridCells(ctx context.Context, kind grid.Kind, id string) ([]h3.Cell, error) {
	cells, err := s.gridCells(ctx, kind, id)
	if err != nil {
		return nil, fail(err, "cells of grid %v %q", kind, id)
	}
	return cells, nil
}

func (s *Store) gridCells(ctx context.Context, kind grid.Kind, id string) ([]h3.Cell, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	var exists *goredis.BoolCmd
	var packed *goredis.StringCmd
	_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		exists = p.HExists(ctx, s.k.grids(kind), id)
		packed = p.Get(ctx, s.k.cells(kind, id))
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, err
	}
	if !exists.Val() {
		return nil, grid.ErrNotFound
	}
	b, err := packed.Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return unpackCells(b)
}
