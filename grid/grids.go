package grid

import (
	"context"
	"fmt"

	"github.com/uber/h3-go/v4"
)

// Grid returns one grid.
func (s *Service) Grid(ctx context.Context, kind Kind, id string) (Grid, error) {
	if err := CheckID("id", id); err != nil {
		return Grid{}, err
	}
	return s.store.Grid(ctx, kind, id)
}

// Grids returns the grids of a kind ordered by ID.
func (s *Service) Grids(ctx context.Context, kind Kind) ([]Grid, error) {
	return s.store.Grids(ctx, kind)
}

// GridCells returns the cells a grid owns.
func (s *Service) GridCells(ctx context.Context, kind Kind, id string) ([]h3.Cell, error) {
	if _, err := s.Grid(ctx, kind, id); err != nil {
		return nil, err
	}
	return s.store.GridCells(ctx, kind, id)
}

// UpdatableGridFields are the fields UpdateGrid may change.
var UpdatableGridFields = []string{"display_name", "unit", "officer", "team_leader", "deputy_chief"}

// UpdateGrid changes the named fields of a grid (all updatable ones when
// fields is empty), leaving its cells alone: officers change more often than
// boundaries.
func (s *Service) UpdateGrid(ctx context.Context, g Grid, fields []string) (Grid, error) {
	cur, err := s.Grid(ctx, g.Kind, g.ID)
	if err != nil {
		return Grid{}, err
	}
	if len(fields) == 0 {
		fields = UpdatableGridFields
	}
	for _, f := range fields {
		switch f {
		case "display_name":
			cur.Name = g.Name
		case "unit":
			if g.Unit != "" {
				if err := s.checkUnit(ctx, "grid.unit", g.Unit); err != nil {
					return Grid{}, err
				}
			}
			cur.Unit = g.Unit
		case "officer":
			cur.Officer = g.Officer
		case "team_leader":
			cur.TeamLeader = g.TeamLeader
		case "deputy_chief":
			cur.DeputyChief = g.DeputyChief
		default:
			return Grid{}, invalid("update_mask", fmt.Sprintf("field %q cannot be updated", f))
		}
	}
	if cur.Name == "" {
		cur.Name = cur.ID
	}
	if err := s.store.UpdateGrid(ctx, cur); err != nil {
		return Grid{}, fmt.Errorf("updating grid %q: %w", g.ID, err)
	}
	return cur, nil
}
