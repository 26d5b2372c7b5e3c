package api

import (
	"context"
	"fmt"

	"github.com/uber/h3-go/v4"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
)

// maxWatchGrids caps the grids of a WatchIncidents filter.
const maxWatchGrids = 100

// watchArea is the area a WatchIncidents stream asked for: the union of
// its cells and its grids; with neither, everywhere.
type watchArea struct {
	cells dispatch.Filter // of the cells only, as ListIncidents matches them
	grids map[gridKey]bool
}

// everywhere reports whether the area has no bounds.
func (a watchArea) everywhere() bool { return !a.cells.FiltersCells() && len(a.grids) == 0 }

// inCells reports whether c is inside one of the area's cells (itself or
// a descendant); the broadcaster's filter, which must not wait on the
// store. With grids in the area it lets everything by for holds to decide.
func (a watchArea) inCells(c h3.Cell) bool {
	if a.everywhere() || len(a.grids) > 0 {
		return true
	}
	return a.cells.MatchesCell(c)
}

// areaFilter decides, on the stream's own goroutine, whether an incident
// is in the area, remembering each incident's answer (it does not move).
type areaFilter struct {
	area  watchArea
	grids *grid.Service
	seen  map[string]bool
}

// holds reports whether inc is in the area.
func (f *areaFilter) holds(ctx context.Context, inc *gridwatchv1.Incident) (bool, error) {
	if f.area.everywhere() || f.area.cells.FiltersCells() && f.area.cells.MatchesCell(h3.CellFromString(inc.GetCell())) {
		return true, nil
	}
	if len(f.area.grids) == 0 {
		return false, nil
	}
	if ok, found := f.seen[inc.GetName()]; found {
		return ok, nil
	}
	police, community, err := f.grids.GridIDs(ctx, latLngFromProto(inc.GetPosition()))
	if err != nil {
		return false, fmt.Errorf("locating %s in grids: %w", inc.GetName(), err)
	}
	ok := f.area.grids[gridKey{grid.Police, police}] || f.area.grids[gridKey{grid.Community, community}]
	if f.seen == nil || len(f.seen) >= maxWatchScopeCache {
		f.seen = map[string]bool{}
	}
	f.seen[inc.GetName()] = ok
	return ok, nil
}

// checkWatchGrids returns the grids of a WatchIncidents request.
func checkWatchGrids(names []string) (map[gridKey]bool, error) {
	if len(names) > maxWatchGrids {
		return nil, invalidf("grids", "more than %d grids", maxWatchGrids)
	}
	grids := map[gridKey]bool{}
	for i, n := range names {
		k, id, err := parseGridName(indexField("grids", i), n)
		if err != nil {
			return nil, err
		}
		grids[gridKey{k, id}] = true
	}
	return grids, nil
}
