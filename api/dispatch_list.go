package api

import (
	"context"
	"fmt"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
)

// ListIncidents lists the incidents the caller may read (scope.mayRead)
// in the request's area, newest first, a page at a time, as GetIncident
// returns them. The page token wraps the domain's cursor, bound to the
// request's filter.
func (s *dispatchServer) ListIncidents(ctx context.Context, req *gridwatchv1.ListIncidentsRequest) (*gridwatchv1.ListIncidentsResponse, error) {
	q, area, filter, err := checkListIncidentsRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	incs, next, err := s.readableIncidents(ctx, scopeFrom(ctx), q, area)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	resp := &gridwatchv1.ListIncidentsResponse{Incidents: make([]*gridwatchv1.Incident, len(incs))}
	for i := range incs {
		resp.Incidents[i] = incidentToProto(&incs[i])
	}
	if next != nil {
		resp.NextPageToken = encodePageToken(filter, next.String())
	}
	return resp, nil
}

// maxScopedReads bounds the domain pages one ListIncidents call reads to
// fill a page with incidents of the caller's scope.
const maxScopedReads = 8

// readableIncidents returns a page of the incidents sc may read in area
// and the cursor of the next page. It reads the domain's pages until the
// page is full, the listing ends or maxScopedReads pages were read: the
// page may be short, even empty, with a cursor to go on from (AIP-158).
func (s *dispatchServer) readableIncidents(ctx context.Context, sc *scope, q dispatch.IncidentQuery, area watchArea) ([]dispatch.Incident, *dispatch.Cursor, error) {
	if sc.admin() && area.everywhere() {
		return s.disp.ListIncidents(ctx, q)
	}
	if q.PageSize == 0 {
		q.PageSize = dispatch.DefaultPageSize
	}
	var out []dispatch.Incident
	for range maxScopedReads {
		incs, next, err := s.disp.ListIncidents(ctx, q)
		if err != nil {
			return nil, nil, err
		}
		for i := range incs {
			ok, err := s.inArea(ctx, sc, area, &incs[i])
			if err == nil && ok {
				ok, err = sc.mayRead(ctx, &incs[i])
			}
			if err != nil {
				return nil, nil, err
			}
			if ok {
				out = append(out, incs[i])
			}
			if len(out) == q.PageSize {
				if i == len(incs)-1 && next == nil {
					return out, nil, nil
				}
				c := dispatch.CursorOf(&incs[i])
				return out, &c, nil
			}
		}
		if next == nil {
			return out, nil, nil
		}
		q.After = next
	}
	return out, q.After, nil
}

// inArea reports whether inc is in area: in one of its cells or grids.
func (s *dispatchServer) inArea(ctx context.Context, sc *scope, area watchArea, inc *dispatch.Incident) (bool, error) {
	if area.everywhere() || area.cells.FiltersCells() && area.cells.MatchesCell(inc.Cell) {
		return true, nil
	}
	if len(area.grids) == 0 {
		return false, nil
	}
	var police, community string
	var err error
	if sc.look != nil { // the authorizer's lookups, which remember places
		police, community, err = sc.look.gridsAt(ctx, inc.Position)
	} else {
		police, community, err = s.svc.GridIDs(ctx, inc.Position)
	}
	if err != nil {
		return false, fmt.Errorf("locating %s in grids: %w", inc.ID, err)
	}
	return area.grids[gridKey{grid.Police, police}] || area.grids[gridKey{grid.Community, community}], nil
}
