package api

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// scopeCacheTTL is how long a scope trusts what it read of grids and
// units: a long watch stream sees re-imported grids and units after it.
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
// if their home grid is. A scope reads grids and units as it needs them
// and remembers them for scopeCacheTTL; it is safe for concurrent use.
type scope struct {
	p     auth.Principal
	grids *grid.Service
	disp  *dispatch.Service

	mu      sync.Mutex
	read    time.Time             // when the caches were last emptied
	parents map[string]unitParent // unit id → its parent, as read
	gridIn  map[gridKey]bool      // grid → reached
}

// unitParent is a unit's parent as read, or that the unit does not exist.
type unitParent struct {
	parent string
	found  bool
}

// gridKey names a grid.
type gridKey struct {
	kind grid.Kind
	id   string
}

// newScope returns the scope of p.
func newScope(p auth.Principal, grids *grid.Service, disp *dispatch.Service) *scope {
	return &scope{p: p, grids: grids, disp: disp}
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

// fresh empties the caches once they are older than scopeCacheTTL; s.mu
// is held.
func (s *scope) fresh() {
	if s.parents != nil && time.Since(s.read) < scopeCacheTTL {
		return
	}
	s.read = time.Now()
	s.parents, s.gridIn = map[string]unitParent{}, map[gridKey]bool{}
}

// cachedGrid returns what s remembers of grid k.
func (s *scope) cachedGrid(k gridKey) (in, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fresh()
	in, ok = s.gridIn[k]
	return in, ok
}

// remember records whether grid k is reached.
func (s *scope) remember(k gridKey, in bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fresh()
	s.gridIn[k] = in
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
	}
	k := gridKey{kind, id}
	if in, ok := s.cachedGrid(k); ok {
		return in, nil
	}
	if s.grids == nil {
		return false, errNoLookups
	}
	g, err := s.grids.Grid(ctx, kind, id)
	if errors.Is(err, grid.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("authorising: %w", err)
	}
	in, err := s.unit(ctx, g.Unit)
	if err != nil {
		return false, err
	}
	s.remember(k, in)
	return in, nil
}

// unit reports whether unit id is one of the principal's units or below
// one.
func (s *scope) unit(ctx context.Context, id string) (bool, error) {
	for hops := 0; id != "" && hops < maxUnitHops; hops++ {
		if s.p.InUnits(id) {
			return true, nil
		}
		up, err := s.parent(ctx, id)
		if err != nil || !up.found {
			return false, err
		}
		id = up.parent
	}
	return false, nil
}

// parent returns the parent of unit id, read once per scope.
func (s *scope) parent(ctx context.Context, id string) (unitParent, error) {
	s.mu.Lock()
	s.fresh()
	up, ok := s.parents[id]
	s.mu.Unlock()
	if ok {
		return up, nil
	}
	u, err := s.grids.Unit(ctx, id)
	switch {
	case errors.Is(err, grid.ErrNotFound):
		up = unitParent{}
	case err != nil:
		return unitParent{}, fmt.Errorf("authorising: %w", err)
	default:
		up = unitParent{parent: u.Parent, found: true}
	}
	s.mu.Lock()
	s.parents[id] = up
	s.mu.Unlock()
	return up, nil
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
	if s.grids == nil {
		return false, errNoLookups
	}
	police, community, err := s.grids.GridIDs(ctx, p)
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
