package memory

import (
	"context"
	"sync"

	"github.com/gridwatch/gridwatch/grid"
)

// Store implements grid.Store in memory.
type Store struct {
	mu         sync.RWMutex
	units      map[string]grid.Unit
	grids      [3]map[string]grid.Grid // by grid.Kind
	gridCells  [3]map[string][]uint64
	owners     [3]map[uint64]string // cell → grid ID
	resCount   [3][16]int           // owned cells per kind and resolution
	posts      map[string]grid.WatchPost
	compounds  map[string]grid.Compound
	responders map[string]grid.Responder
}

var _ grid.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	s := &Store{
		units:      map[string]grid.Unit{},
		posts:      map[string]grid.WatchPost{},
		compounds:  map[string]grid.Compound{},
		responders: map[string]grid.Responder{},
	}
	for _, k := range grid.Kinds {
		s.grids[k] = map[string]grid.Grid{}
		s.gridCells[k] = map[string][]uint64{}
		s.owners[k] = map[uint64]string{}
	}
	return s
}

// Ping always succeeds unless ctx has ended.
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

// put copies items into m under the write lock.
func put[T any](s *Store, ctx context.Context, m map[string]T, items []T, id func(T) string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range items {
		m[id(it)] = it
	}
	return nil
}

// get reads one item under the read lock.
func get[T any](s *Store, ctx context.Context, m map[string]T, what, id string) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := m[id]
	if !ok {
		return zero, notFound(what, id)
	}
	return v, nil
}

// list returns every item ordered by ID.
func list[T any](s *Store, ctx context.Context, m map[string]T) ([]T, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return sortedValues(m), nil
}
