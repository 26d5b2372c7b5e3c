package dispatch

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uber/h3-go/v4"
)

// The bounds of a listing.
const (
	// DefaultPageSize is the page size of a query that sets none.
	DefaultPageSize = 50
	// MaxPageSize is the largest page a query may ask for.
	MaxPageSize = 500
	// MaxQueryCells is the most cells a query may filter on.
	MaxQueryCells = 1000
)

// Cursor is a position in the listing order (newest first, ties by id):
// a page after it starts with the incident that follows it. The last
// incident of a page is the cursor of the next.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// CursorOf returns the position of inc.
func CursorOf(inc *Incident) Cursor { return Cursor{CreatedAt: inc.CreatedAt, ID: inc.ID} }

// Compare orders cursors as listings do: negative if c comes first (it
// was created later, or at the same nanosecond with a smaller id). Times
// compare as Unix nanoseconds, what the engines store.
func (c Cursor) Compare(o Cursor) int {
	return cmp.Or(cmp.Compare(o.CreatedAt.UnixNano(), c.CreatedAt.UnixNano()), strings.Compare(c.ID, o.ID))
}

// String spells c as "<Unix nanoseconds>:<id>", which ParseCursor reads;
// the API wraps it in an opaque page token.
func (c Cursor) String() string {
	return strconv.FormatInt(c.CreatedAt.UnixNano(), 10) + ":" + c.ID
}

// ParseCursor reads what Cursor.String wrote; anything else is an error
// matching ErrInvalid naming the field page_token.
func ParseCursor(s string) (Cursor, error) {
	ns, id, ok := strings.Cut(s, ":")
	if !ok || id == "" {
		return Cursor{}, invalid("page_token", "malformed token")
	}
	n, err := strconv.ParseInt(ns, 10, 64)
	if err != nil {
		return Cursor{}, invalid("page_token", "malformed token")
	}
	return Cursor{CreatedAt: time.Unix(0, n), ID: id}, nil
}

// IncidentQuery asks for one page of incidents, newest first (by
// CreatedAt, ties by ID), optionally filtered.
type IncidentQuery struct {
	// States keeps the incidents in one of these states; empty keeps all.
	States []State
	// Cells keeps the incidents inside one of these H3 cells (resolution
	// 0 to CellResolution): those whose Cell is the cell or a descendant
	// of it. Empty keeps all.
	Cells []h3.Cell
	// PageSize is the most incidents to return, 1 to MaxPageSize
	// (Service.ListIncidents reads 0 as DefaultPageSize).
	PageSize int
	// After is the cursor the page starts after; nil for the first page.
	After *Cursor
}

// CheckIncidentQuery validates q before an engine looks at any state;
// both engines and the service call it so they reject the same input.
// The errors match ErrInvalid and name the field as the API does.
func CheckIncidentQuery(q IncidentQuery) error {
	if q.PageSize < 1 || q.PageSize > MaxPageSize {
		return invalid("page_size", fmt.Sprintf("%d is outside [1, %d]", q.PageSize, MaxPageSize))
	}
	for i, s := range q.States {
		if s <= StateUnspecified || s > StateCancelled {
			return invalid(fmt.Sprintf("states[%d]", i), fmt.Sprintf("unknown state %d", int(s)))
		}
	}
	if len(q.Cells) > MaxQueryCells {
		return invalid("cells", fmt.Sprintf("more than %d cells", MaxQueryCells))
	}
	for i, c := range q.Cells {
		if !c.IsValid() || c.Resolution() > CellResolution {
			return invalid(fmt.Sprintf("cells[%d]", i),
				fmt.Sprintf("%s is not an H3 cell of resolution 0 to %d", c, CellResolution))
		}
	}
	if q.After != nil && q.After.ID == "" {
		return invalid("page_token", "no incident id")
	}
	return nil
}

// Filter is the filters of an IncidentQuery prepared for matching many
// incidents: a set of states and a set of cells by resolution, so that a
// match costs one parent per resolution, whatever the number of cells.
type Filter struct {
	states map[State]bool // nil keeps every state
	cells  map[h3.Cell]bool
	res    []int // the resolutions in cells, in ascending order
}

// Filter returns q's filters prepared for matching.
func (q IncidentQuery) Filter() Filter {
	var f Filter
	if len(q.States) > 0 {
		f.states = make(map[State]bool, len(q.States))
		for _, s := range q.States {
			f.states[s] = true
		}
	}
	if len(q.Cells) > 0 {
		f.cells = make(map[h3.Cell]bool, len(q.Cells))
		var seen [h3.MaxResolution + 1]bool
		for _, c := range q.Cells {
			f.cells[c] = true
			seen[c.Resolution()] = true
		}
		for r, ok := range seen {
			if ok {
				f.res = append(f.res, r)
			}
		}
	}
	return f
}

// FiltersStates reports whether the filter looks at states.
func (f Filter) FiltersStates() bool { return f.states != nil }

// FiltersCells reports whether the filter looks at cells.
func (f Filter) FiltersCells() bool { return f.cells != nil }

// MatchesState reports whether an incident in state s passes.
func (f Filter) MatchesState(s State) bool { return f.states == nil || f.states[s] }

// MatchesCell reports whether an incident in cell c passes: c is one of
// the cells or a descendant of one. An incident without a cell passes
// only a filter without cells.
func (f Filter) MatchesCell(c h3.Cell) bool {
	if f.cells == nil {
		return true
	}
	if c == 0 {
		return false
	}
	for _, r := range f.res {
		if r > c.Resolution() {
			break
		}
		if p, err := c.Parent(r); err == nil && f.cells[p] {
			return true
		}
	}
	return false
}

// Matches reports whether inc passes both filters.
func (f Filter) Matches(inc *Incident) bool {
	return f.MatchesState(inc.State) && f.MatchesCell(inc.Cell)
}

// ListIncidents returns a page of incidents, newest first (by CreatedAt,
// ties by ID), and the cursor of the next page, nil after the last.
// q.PageSize 0 means DefaultPageSize. A page may be short or even empty
// with a cursor when the engine stopped at its bound on the work of one
// call (Store.ListIncidents); the next page goes on from there.
func (s *Service) ListIncidents(ctx context.Context, q IncidentQuery) ([]Incident, *Cursor, error) {
	if q.PageSize == 0 {
		q.PageSize = DefaultPageSize
	}
	if err := CheckIncidentQuery(q); err != nil {
		return nil, nil, err
	}
	incs, next, err := s.st.ListIncidents(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("listing incidents: %w", err)
	}
	return incs, next, nil
}
