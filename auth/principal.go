package auth

import (
	"context"
	"slices"
	"strings"
)

// Role is what a caller is, and so what they may do and see.
type Role int

// The roles, least privileged first. The zero Role is RoleVolunteer:
// whatever cannot be read gets the least.
const (
	RoleVolunteer Role = iota
	RoleOfficer
	RoleStationChief
	RoleDispatcher
	RoleAdmin
)

var roleNames = []string{"volunteer", "officer", "station_chief", "dispatcher", "admin"}

// Roles lists every role, least privileged first.
func Roles() []Role {
	return []Role{RoleVolunteer, RoleOfficer, RoleStationChief, RoleDispatcher, RoleAdmin}
}

// String returns "volunteer", "officer", "station_chief", "dispatcher" or
// "admin".
func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return roleNames[RoleVolunteer]
	}
	return roleNames[r]
}

// ParseRole reads a role name, ignoring case and surrounding space ("-"
// may stand for "_"); ok is false for anything else.
func ParseRole(s string) (r Role, ok bool) {
	s = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	for i, n := range roleNames {
		if s == n {
			return Role(i), true
		}
	}
	return RoleVolunteer, false
}

// SeesPositions reports whether the role may see responders' precise
// positions. Only dispatchers may: they send people.
func (r Role) SeesPositions() bool { return r == RoleDispatcher }

// Principal is an authenticated caller.
type Principal struct {
	// Subject identifies the caller: a responder id for volunteers and
	// officers (their own shifts, positions and offers), a user name for
	// dispatchers, station chiefs and admins.
	Subject string
	// Role is what the caller is.
	Role Role
	// Units are the unit ids (police stations, districts) whose grids a
	// dispatcher or station chief answers for; a unit covers its
	// descendants.
	Units []string
	// Grids are the grid ids an officer answers for.
	Grids []string
	// TokenID identifies the credential the caller presented, for the
	// audit trail; empty when authentication is off.
	TokenID string
}

// InUnits reports whether unit is one of p's units.
func (p Principal) InUnits(unit string) bool { return unit != "" && slices.Contains(p.Units, unit) }

// InGrids reports whether grid is one of p's grids.
func (p Principal) InGrids(grid string) bool { return grid != "" && slices.Contains(p.Grids, grid) }

type principalKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal ctx carries; ok is false if it
// carries none (the call was not authenticated).
func FromContext(ctx context.Context) (p Principal, ok bool) {
	p, ok = ctx.Value(principalKey{}).(Principal)
	return p, ok
}
