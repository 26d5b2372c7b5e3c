package api

import (
	"context"

	"github.com/gridwatch/gridwatch/auth"
)

// Role is what a caller is, and so what they may see; see auth.Role.
type Role = auth.Role

// The roles, least privileged first.
const (
	RoleVolunteer    = auth.RoleVolunteer
	RoleOfficer      = auth.RoleOfficer
	RoleStationChief = auth.RoleStationChief
	RoleDispatcher   = auth.RoleDispatcher
	RoleAdmin        = auth.RoleAdmin
)

// RoleFrom returns the role of the principal on ctx; a call without one
// is RoleVolunteer: whatever cannot be read gets the least.
func RoleFrom(ctx context.Context) Role {
	p, _ := auth.FromContext(ctx)
	return p.Role
}
