package memory

import (
	"context"
	"fmt"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

func checkKind(k grid.Kind) error {
	if k != grid.Police && k != grid.Community {
		return fmt.Errorf("memory: grid kind %d: %w", k, grid.ErrInvalid)
	}
	return nil
}

// ApplyGridChange implements grid.GridStore; the whole change is made under
// one lock.
func (s *Store) ApplyGridChange(ctx context.Context, ch grid.GridChange) error {
	if err := checkKind(ch.Kind); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, gc := range ch.Grids {
		cells := make([]uint64, len(gc.Cells))
		for i, c := range gc.Cells {
			cells[i] = uint64(c)
		}
		s.grids[ch.Kind][gc.Grid.ID] = gc.Grid
		s.gridCells[ch.Kind][gc.Grid.ID] = cells
	}
	s.setOwners(ch.Kind, ch.Owners)
	return nil
}

// setOwners applies owner changes and keeps resCount in step.
func (s *Store) setOwners(kind grid.Kind, changes map[h3.Cell]string) {
	owners, counts := s.owners[kind], &s.resCount[kind]
	for c, id := range changes {
		_, had := owners[uint64(c)]
		switch {
		case id == "" && had:
			delete(owners, uint64(c))
			counts[resolution(c)]--
		case id != "":
			if !had {
				counts[resolution(c)]++
			}
			owners[uint64(c)] = id
		}
	}
}

// UpdateGrid implements grid.GridStore.
func (s *Store) UpdateGrid(ctx context.Context, g grid.Grid) error {
	if err := checkKind(g.Kind); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.grids[g.Kind][g.ID]
	if !ok {
		return notFound("grid", g.ID)
	}
	g.Resolution, g.CellCount, g.AreaM2 = cur.Resolution, cur.CellCount, cur.AreaM2
	s.grids[g.Kind][g.ID] = g
	return nil
}

// Grid implements grid.GridStore.
func (s *Store) Grid(ctx context.Context, kind grid.Kind, id string) (grid.Grid, error) {
	if err := checkKind(kind); err != nil {
		return grid.Grid{}, err
	}
	return get(s, ctx, s.grids[kind], "grid", id)
}

// Grids implements grid.GridStore.
func (s *Store) Grids(ctx context.Context, kind grid.Kind) ([]grid.Grid, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	return list(s, ctx, s.grids[kind])
}

// GridCells implements grid.GridStore.
func (s *Store) GridCells(ctx context.Context, kind grid.Kind, id string) ([]h3.Cell, error) {
	cells, err := get(s, ctx, s.gridCells[kindOr(kind)], "grid", id)
	if err != nil {
		return nil, err
	}
	out := make([]h3.Cell, len(cells))
	for i, c := range cells {
		out[i] = h3.Cell(c)
	}
	return out, nil
}

// CellOwners implements grid.GridStore.
func (s *Store) CellOwners(ctx context.Context, kind grid.Kind, cells []h3.Cell) ([]string, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]string, len(cells))
	s.mu.RLock()
	defer s.mu.RUnlock()
	for i, c := range cells {
		out[i] = s.owners[kind][uint64(c)]
	}
	return out, nil
}

// LocateCells implements grid.GridStore. It is the lookup's hot path: a
// read lock and at most eight map reads.
func (s *Store) LocateCells(ctx context.Context, cells []h3.Cell) (police, community string, err error) {
	if err := ctx.Err(); err != nil {
		return "", "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.first(grid.Police, cells), s.first(grid.Community, cells), nil
}

// first looks cells up in order, skipping resolutions the kind has no
// cells at (usually all but one), so a lookup is one map read per kind.
func (s *Store) first(kind grid.Kind, cells []h3.Cell) string {
	owners, counts := s.owners[kind], &s.resCount[kind]
	for _, c := range cells {
		if counts[resolution(c)] == 0 {
			continue
		}
		if id, ok := owners[uint64(c)]; ok {
			return id
		}
	}
	return ""
}

// kindOr maps an unknown kind to index 0, whose maps are nil and so empty.
func kindOr(k grid.Kind) grid.Kind {
	if checkKind(k) != nil {
		return 0
	}
	return k
}

// resolution reads an H3 index's resolution bits (52-55) without the cgo
// call h3.Cell.Resolution makes.
func resolution(c h3.Cell) int { return int(uint64(c)>>52) & 0xf }
