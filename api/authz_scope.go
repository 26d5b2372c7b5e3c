package api

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// scopeCacheTTL is how long the authorizer trusts what it read of grids'
// units and units' parents.
const scopeCacheTTL = time.Minute

// maxUnitHops bounds the walk from a unit up to the city.
const maxUnitHops = 8

// errNoLookups is a scope asked about an object without the services to
// look it up: a server set up without Config.Grid.
var errNoLookups = errors.New("api: authorisation needs Config.Grid to look objects up")

// scope is what one caller reaches: admins everything; officers, station
// chiefs and dispatchers the grids in their principal's Grids and the
// grids whose unit is one of its Units or below one; volunteers no grid
// (only what is theirs as a responder). A point, incident or compound is
// reached if the police or the community grid covering it is; a responder
// if their home grid is.
type scope struct {
	p    auth.Principal
	look *lookups          // nil: no lookups (errNoLookups)
	disp *dispatch.Service // nil: no incident is found
}

// newScope returns the scope of p.
func newScope(p auth.Principal, look *lookups, disp *dispatch.Service) *scope {
	return &scope{p: p, look: look, disp: disp}
}

// maxLookups bounds the entries a lookups cache holds before it starts
// afresh.
const maxLookups = 1 << 16

// lookups reads the unit of grids and the parent of units for the scopes
// of every call, and remembers them for scopeCacheTTL: a grid moved to
// another unit, or a unit to another parent, moves scopes within that
// time. Safe for concurrent use.
type lookups struct {
	grids *grid.Service

	mu      sync.Mutex
	read    time.Time             // when the caches were last emptied
	units   map[gridKey]unitOf    // grid → its unit, as read
	parents map[string]unitOf     // unit id → its parent, as read
	points  map[h3.Cell][2]string // finest locate cell → its police and community grids
}

// unitOf is a grid's unit or a unit's parent as read, or that the grid
// or unit does not exist.
type unitOf struct {
	id    string
	found bool
}

// gridKey names a grid.
type gridKey struct {
	kind grid.Kind
	id   string
}

// newLookups returns the lookups of grids, nil if grids is nil.
func newLookups(grids *grid.Service) *lookups {
	if grids == nil {
		return nil
	}
	return &lookups{grids: grids}
}

// cached returns what l remembers of key in m (l.units or l.parents),
// emptying the caches first once they are stale or full.
func cached[K comparable](l *lookups, m func(*lookups) map[K]unitOf, key K) (unitOf, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.freshLocked()
	u, ok := m(l)[key]
	return u, ok
}

// freshLocked empties the caches once they are stale or full; l.mu is
// held.
func (l *lookups) freshLocked() {
	if l.units == nil || time.Since(l.read) >= scopeCacheTTL || len(l.units)+len(l.parents)+len(l.points) >= maxLookups {
		l.units, l.parents, l.points, l.read = map[gridKey]unitOf{}, map[string]unitOf{}, map[h3.Cell][2]string{}, time.Now()
	}
}

// gridsAt returns the police and community grids covering p, remembered
// per finest cell grid.LocateCells gives (grids are made of coarser
// cells, so every point of one has the same answer): on Redis a lookup is
// a round trip, and searches and incidents come back to the same places.
func (l *lookups) gridsAt(ctx context.Context, p geo.LatLng) (police, community string, err error) {
	cells, err := grid.LocateCells(p)
	if err != nil {
		return "", "", err
	}
	l.mu.Lock()
	l.freshLocked()
	g, ok := l.points[cells[0]]
	l.mu.Unlock()
	if ok {
		return g[0], g[1], nil
	}
	if police, community, err = l.grids.GridIDs(ctx, p); err != nil {
		return "", "", err
	}
	l.mu.Lock()
	if l.points != nil {
		l.points[cells[0]] = [2]string{police, community}
	}
	l.mu.Unlock()
	return police, community, nil
}

// store remembers u as key's in m.
func store[K comparable](l *lookups, m func(*lookups) map[K]unitOf, key K, u unitOf) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.units != nil {
		m(l)[key] = u
	}
}

func gridUnits(l *lookups) map[gridKey]unitOf  { return l.units }
func unitParents(l *lookups) map[string]unitOf { return l.parents }

// gridUnit returns the unit of grid k.
func (l *lookups) gridUnit(ctx context.Context, k gridKey) (unitOf, error) {
	if u, ok := cached(l, gridUnits, k); ok {
		return u, nil
	}
	g, err := l.grids.Grid(ctx, k.kind, k.id)
	u := unitOf{id: g.Unit, found: err == nil}
	if err != nil && !errors.Is(err, grid.ErrNotFound) {
		return unitOf{}, fmt.Errorf("authorising: %w", err)
	}
	store(l, gridUnits, k, u)
	return u, nil
}

// parent returns the parent of unit id.
func (l *lookups) parent(ctx context.Context, id string) (unitOf, error) {
	if u, ok := cached(l, unitParents, id); ok {
		return u, nil
	}
	un, err := l.grids.Unit(ctx, id)
	u := unitOf{id: un.Parent, found: err == nil}
	if err != nil && !errors.Is(err, grid.ErrNotFound) {
		return unitOf{}, fmt.Errorf("authorising: %w", err)
	}
	store(l, unitParents, id, u)
	return u, nil
}

type scopeKey struct{}

// withScope returns ctx carrying s for the handler.
func withScope(ctx context.Context, s *scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// scopeFrom returns the scope the authorizer put on ctx. A handler reached
// without one gets a scope that reaches nothing: lists come back empty.
func scopeFrom(ctx context.Context) *scope {
	if s, ok := ctx.Value(scopeKey{}).(*scope); ok {
		return s
	}
	return &scope{p: auth.Principal{Role: RoleVolunteer}}
}

// admin reports whether the caller reaches everything.
func (s *scope) admin() bool { return s.p.Role == RoleAdmin }

// hasGrids reports whether the caller's role reaches grids by its scope:
// officers, station chiefs and dispatchers.
func (s *scope) hasGrids() bool {
	switch s.p.Role {
	case RoleOfficer, RoleStationChief, RoleDispatcher:
		return true
	}
	return false
}

// manages reports whether the caller is a station chief or dispatcher,
// who manage the responders of their units.
func (s *scope) manages() bool {
	return s.p.Role == RoleStationChief || s.p.Role == RoleDispatcher
}

// self reports whether the caller is responder id: a volunteer or officer
// whose subject is the id.
func (s *scope) self(id string) bool {
	return (s.p.Role == RoleVolunteer || s.p.Role == RoleOfficer) && s.p.Subject != "" && s.p.Subject == id
}

// grid reports whether the caller's scope holds the grid of kind and id:
// the grid is in the principal's Grids (by id, or by resource name for one
// kind only) or belongs to a unit under its Units. Only officers, station
// chiefs and dispatchers hold grids; admins hold all.
func (s *scope) grid(ctx context.Context, kind grid.Kind, id string) (bool, error) {
	switch {
	case s.admin():
		return true, nil
	case id == "" || !s.hasGrids():
		return false, nil
	case s.p.InGrids(id) || s.p.InGrids(gridName(kind, id)):
		return true, nil
	case len(s.p.Units) == 0:
		return false, nil
	case s.look == nil:
		return false, errNoLookups
	}
	u, err := s.look.gridUnit(ctx, gridKey{kind, id})
	if err != nil || !u.found {
		return false, err
	}
	return s.unit(ctx, u.id)
}

// unit reports whether unit id is one of the principal's units or below
// one.
func (s *scope) unit(ctx context.Context, id string) (bool, error) {
	for hops := 0; id != "" && hops < maxUnitHops; hops++ {
		if s.p.InUnits(id) {
			return true, nil
		}
		up, err := s.look.parent(ctx, id)
		if err != nil || !up.found {
			return false, err
		}
		id = up.id
	}
	return false, nil
}

// point reports whether the caller's scope holds the police or the
// community grid covering a WGS-84 point.
func (s *scope) point(ctx context.Context, p geo.LatLng) (bool, error) {
	if s.admin() {
		return true, nil
	}
	if !s.hasGrids() {
		return false, nil
	}
	if s.look == nil {
		return false, errNoLookups
	}
	police, community, err := s.look.gridsAt(ctx, p)
	if err != nil {
		return false, fmt.Errorf("authorising: %w", err)
	}
	if in, err := s.grid(ctx, grid.Police, police); in || err != nil {
		return in, err
	}
	return s.grid(ctx, grid.Community, community)
}

// incident reports whether the caller's scope holds the incident: the
// grids covering its position.
func (s *scope) incident(ctx context.Context, inc *dispatch.Incident) (bool, error) {
	return s.point(ctx, inc.Position)
}

// responder reports whether the caller's scope holds the responder's home
// grid (a police grid); a responder without one is reached by admins only.
func (s *scope) responder(ctx context.Context, r grid.Responder) (bool, error) {
	return s.grid(ctx, grid.Police, r.HomeGrid)
}

// compound reports whether the caller's scope holds the grids covering
// the compound's position.
func (s *scope) compound(ctx context.Context, c grid.Compound) (bool, error) {
	return s.point(ctx, c.Position)
}

// keep returns the items of xs the caller's scope holds by in, in order:
// what a list returns. An admin's are all of them.
func keep[T any](ctx context.Context, s *scope, xs []T, in func(*scope, context.Context, T) (bool, error)) ([]T, error) {
	if s.admin() {
		return xs, nil
	}
	var out []T
	for _, x := range xs {
		ok, err := in(s, ctx, x)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, x)
		}
	}
	return out, nil
}
