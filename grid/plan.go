package grid

import (
	"context"
	"fmt"

	"github.com/uber/h3-go/v4"
)

// importPlan is the change an import makes and the report it returns.
type importPlan struct {
	change GridChange
	report ImportReport
}

// plan resolves the imported grids against each other and against the
// stored grids of the kind: overlaps go to the smaller ID, replaced grids
// release the cells they no longer claim, and gaps are found.
func (s *Service) plan(ctx context.Context, kind Kind, res int, parsed []parsedGrid, cells [][]h3.Cell) (importPlan, error) {
	stored, err := s.store.Grids(ctx, kind)
	if err != nil {
		return importPlan{}, fmt.Errorf("reading %s grids: %w", kind, err)
	}
	incoming := make(map[string]bool, len(parsed))
	for _, pg := range parsed {
		incoming[pg.grid.ID] = true
	}
	if err := checkResolution(kind, res, stored, incoming); err != nil {
		return importPlan{}, err
	}
	c := newClaims(len(parsed) * 1024)
	for i, pg := range parsed {
		for _, cell := range cells[i] {
			c.claim(cell, pg.grid.ID)
		}
	}
	losers, err := s.claimStored(ctx, kind, c, incoming)
	if err != nil {
		return importPlan{}, err
	}
	p := importPlan{change: GridChange{Kind: kind, Owners: map[h3.Cell]string{}}}
	p.report = ImportReport{Kind: kind, Resolution: res, Grids: len(parsed)}
	s.addIncoming(&p, c, parsed, cells)
	if err := s.releaseReplaced(ctx, &p, c, stored, incoming); err != nil {
		return importPlan{}, err
	}
	if err := s.shrinkLosers(ctx, &p, kind, stored, losers); err != nil {
		return importPlan{}, err
	}
	p.report.Overlaps, p.report.OverlapCells = c.overlapList()
	masked := func(ctx context.Context, cells []h3.Cell) ([]string, error) {
		return s.storedOwners(ctx, kind, cells, incoming)
	}
	p.report.Gaps, p.report.GapCells, err = findGaps(ctx, c.owner, masked)
	return p, err
}

// checkResolution keeps one resolution per kind: stored grids that this
// import does not replace must share its resolution.
func checkResolution(kind Kind, res int, stored []Grid, incoming map[string]bool) error {
	for _, g := range stored {
		if !incoming[g.ID] && g.Resolution != res {
			return fmt.Errorf("%s grids are stored at resolution %d (grid %q); import at %d or re-import all of them: %w",
				kind, g.Resolution, g.ID, g.Resolution, ErrFailedPrecondition)
		}
	}
	return nil
}

// claimStored enters the stored owners of the claimed cells (other than the
// grids being replaced) into the contest. It returns, per stored grid, the
// cells it loses to an imported grid with a smaller ID.
func (s *Service) claimStored(ctx context.Context, kind Kind, c *claims, incoming map[string]bool) (map[string][]h3.Cell, error) {
	cells := make([]h3.Cell, 0, len(c.owner))
	for cell := range c.owner {
		cells = append(cells, cell)
	}
	owners, err := s.storedOwners(ctx, kind, cells, incoming)
	if err != nil {
		return nil, err
	}
	losers := map[string][]h3.Cell{}
	for i, o := range owners {
		if o == "" {
			continue
		}
		c.claim(cells[i], o)
		if c.owner[cells[i]] != o {
			losers[o] = append(losers[o], cells[i])
		}
	}
	return losers, nil
}

// storedOwners is CellOwners with the grids being replaced masked out.
func (s *Service) storedOwners(ctx context.Context, kind Kind, cells []h3.Cell, incoming map[string]bool) ([]string, error) {
	owners, err := s.store.CellOwners(ctx, kind, cells)
	if err != nil {
		return nil, fmt.Errorf("reading cell owners: %w", err)
	}
	for i, o := range owners {
		if incoming[o] {
			owners[i] = ""
		}
	}
	return owners, nil
}

// addIncoming puts each imported grid with the cells it won.
func (s *Service) addIncoming(p *importPlan, c *claims, parsed []parsedGrid, cells [][]h3.Cell) {
	for i, pg := range parsed {
		won := make([]h3.Cell, 0, len(cells[i]))
		for _, cell := range cells[i] {
			if c.owner[cell] == pg.grid.ID {
				won = append(won, cell)
				p.change.Owners[cell] = pg.grid.ID
			}
		}
		g := pg.grid
		g.CellCount = len(won)
		p.change.Grids = append(p.change.Grids, GridCells{Grid: g, Cells: won})
		p.report.Cells += len(won)
	}
}

// releaseReplaced clears the cells of replaced grids that nobody claims now.
func (s *Service) releaseReplaced(ctx context.Context, p *importPlan, c *claims, stored []Grid, incoming map[string]bool) error {
	for _, g := range stored {
		if !incoming[g.ID] {
			continue
		}
		p.report.Replaced = append(p.report.Replaced, g.ID)
		old, err := s.store.GridCells(ctx, g.Kind, g.ID)
		if err != nil {
			return fmt.Errorf("reading cells of grid %q: %w", g.ID, err)
		}
		for _, cell := range old {
			if _, ok := c.owner[cell]; !ok {
				p.change.Owners[cell] = ""
			}
		}
	}
	return nil
}

// shrinkLosers rewrites stored grids that lost cells to the import.
func (s *Service) shrinkLosers(ctx context.Context, p *importPlan, kind Kind, stored []Grid, losers map[string][]h3.Cell) error {
	for _, g := range stored {
		lost := losers[g.ID]
		if len(lost) == 0 {
			continue
		}
		gone := make(map[h3.Cell]bool, len(lost))
		for _, cell := range lost {
			gone[cell] = true
		}
		old, err := s.store.GridCells(ctx, kind, g.ID)
		if err != nil {
			return fmt.Errorf("reading cells of grid %q: %w", g.ID, err)
		}
		kept := old[:0:0]
		for _, cell := range old {
			if !gone[cell] {
				kept = append(kept, cell)
			}
		}
		g.CellCount = len(kept)
		p.change.Grids = append(p.change.Grids, GridCells{Grid: g, Cells: kept})
	}
	return nil
}
