package memory

import (
	"context"
	"slices"

	"github.com/gridwatch/gridwatch/dispatch"
)

// reverseOrder orders m.listed: a before b when a lists after b, so that
// the slice ascends for binary search.
func reverseOrder(a *dispatch.Incident, b dispatch.Cursor) int {
	return -dispatch.CursorOf(a).Compare(b)
}

// list adds a new incident to m.listed; m.mu is held. Incidents mostly
// arrive newest, so this is usually an append.
func (m *Dispatch) list(inc *dispatch.Incident) {
	c := dispatch.CursorOf(inc)
	if n := len(m.listed); n == 0 || reverseOrder(m.listed[n-1], c) < 0 {
		m.listed = append(m.listed, inc)
		return
	}
	i, _ := slices.BinarySearchFunc(m.listed, c, reverseOrder)
	m.listed = slices.Insert(m.listed, i, inc)
}

// ListIncidents implements dispatch.Store: a binary search finds the
// cursor in m.listed, and the walk towards older incidents stops when the
// page is full. There is no bound on the incidents one call looks at;
// filtering in memory is cheap.
func (m *Dispatch) ListIncidents(ctx context.Context, q dispatch.IncidentQuery) ([]dispatch.Incident, *dispatch.Cursor, error) {
	if err := dispatch.CheckIncidentQuery(q); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	f := q.Filter()
	m.mu.RLock()
	defer m.mu.RUnlock()
	end := len(m.listed) // m.listed[:end] lists after the cursor
	if q.After != nil {
		end, _ = slices.BinarySearchFunc(m.listed, *q.After, reverseOrder)
	}
	var page []dispatch.Incident
	for i := end - 1; i >= 0; i-- {
		inc := m.listed[i]
		if !f.Matches(inc) {
			continue
		}
		page = append(page, cloneIncident(inc))
		if len(page) == q.PageSize {
			if i == 0 {
				return page, nil, nil
			}
			next := dispatch.CursorOf(inc)
			return page, &next, nil
		}
	}
	return page, nil, nil
}
