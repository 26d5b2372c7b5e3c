package api

import (
	"slices"
	"strconv"
	"strings"

	"github.com/uber/h3-go/v4"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// checkListIncidentsRequest returns the query of a ListIncidents request,
// its area when it names grids (everywhere otherwise: the query's cells
// do the filtering), and the filter its page tokens are bound to.
func checkListIncidentsRequest(req *gridwatchv1.ListIncidentsRequest) (dispatch.IncidentQuery, watchArea, string, error) {
	q, filter, err := checkListIncidentsQuery(req)
	if err != nil {
		return dispatch.IncidentQuery{}, watchArea{}, "", err
	}
	grids, err := checkWatchGrids(req.GetGrids())
	if err != nil || len(grids) == 0 {
		return q, watchArea{}, filter, err
	}
	// The area is the union of the cells and the grids: the store cannot
	// filter on it, the handler does.
	area := watchArea{cells: dispatch.IncidentQuery{Cells: q.Cells}.Filter(), grids: grids}
	q.Cells = nil
	return q, area, filter, nil
}

// checkListIncidentsQuery returns the query of a ListIncidents request
// with its states and cells, and the filter its page tokens are bound to.
// page_size 0 means dispatch.DefaultPageSize; larger sizes than
// dispatch.MaxPageSize are cut to it. A token of another filter is
// invalid.
func checkListIncidentsQuery(req *gridwatchv1.ListIncidentsRequest) (dispatch.IncidentQuery, string, error) {
	size, err := checkPageSize(req.GetPageSize(), dispatch.DefaultPageSize, dispatch.MaxPageSize)
	if err != nil {
		return dispatch.IncidentQuery{}, "", err
	}
	q := dispatch.IncidentQuery{PageSize: size}
	for i, s := range req.GetStates() {
		field := indexField("states", i)
		if err := checkEnum(field, s, gridwatchv1.IncidentState_name); err != nil {
			return dispatch.IncidentQuery{}, "", err
		}
		if s == gridwatchv1.IncidentState_INCIDENT_STATE_UNSPECIFIED {
			return dispatch.IncidentQuery{}, "", invalid(field, "unspecified")
		}
		q.States = append(q.States, dispatch.State(s))
	}
	if q.Cells, err = checkCells("cells", req.GetCells()); err != nil {
		return dispatch.IncidentQuery{}, "", err
	}
	filter := incidentsFilter(q, req.GetGrids())
	if req.GetPageToken() == "" {
		return q, filter, nil
	}
	after, err := decodePageToken(filter, req.GetPageToken())
	if err != nil {
		return dispatch.IncidentQuery{}, "", err
	}
	c, err := dispatch.ParseCursor(after)
	if err != nil {
		return dispatch.IncidentQuery{}, "", err
	}
	q.After = &c
	return q, filter, nil
}

// checkCells reads H3 cells in hex of resolution 0 to
// dispatch.CellResolution, at most dispatch.MaxQueryCells of them.
func checkCells(field string, cells []string) ([]h3.Cell, error) {
	if len(cells) > dispatch.MaxQueryCells {
		return nil, invalidf(field, "more than %d cells", dispatch.MaxQueryCells)
	}
	var out []h3.Cell
	for i, s := range cells {
		c := h3.CellFromString(strings.TrimSpace(s))
		if !c.IsValid() || c.Resolution() > dispatch.CellResolution {
			return nil, invalidf(indexField(field, i), "%s is not an H3 cell of resolution 0 to %d",
				clip(s), dispatch.CellResolution)
		}
		out = append(out, c)
	}
	return out, nil
}

// incidentsFilter names the filter of q for its page tokens: the
// collection and a digest of the sorted, deduplicated states and cells,
// so that a token stays short whatever the filter and is refused with
// another filter. The order of the request's lists does not matter.
func incidentsFilter(q dispatch.IncidentQuery, grids []string) string {
	var states, cells, gs strings.Builder
	for _, st := range slices.Compact(slices.Sorted(slices.Values(q.States))) {
		states.WriteString(strconv.Itoa(int(st)) + ",")
	}
	for _, c := range slices.Compact(slices.Sorted(slices.Values(q.Cells))) {
		cells.WriteString(c.String() + ",")
	}
	for _, g := range slices.Compact(slices.Sorted(slices.Values(grids))) {
		gs.WriteString(g + ",")
	}
	return filterDigest(incidents, states.String(), cells.String(), gs.String())
}
