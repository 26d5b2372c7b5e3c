package api

import (
	"context"
	"strings"

	"google.golang.org/grpc/metadata"
)

// RoleMetadataKey is the gRPC metadata key naming the caller's role. Over
// HTTP the server's gateway forwards it from the header X-Gridwatch-Role
// (Grpc-Metadata-X-Gridwatch-Role works too).
//
// The role is asserted by the caller and not yet authenticated: it is the
// seam where authentication will plug in. Until then it only decides how
// precisely positions are shown.
const RoleMetadataKey = "x-gridwatch-role"

// Role is what a caller is, and so what they may see.
type Role int

// The roles, least privileged first. The zero Role is RoleVolunteer.
const (
	RoleVolunteer Role = iota
	RoleOfficer
	RoleDispatcher
	RoleAdmin
)

var roleNames = []string{"volunteer", "officer", "dispatcher", "admin"}

// String returns "volunteer", "officer", "dispatcher" or "admin".
func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return roleNames[RoleVolunteer]
	}
	return roleNames[r]
}

// ParseRole reads a role name, ignoring case and surrounding space; ok is
// false for anything else.
func ParseRole(s string) (r Role, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range roleNames {
		if s == n {
			return Role(i), true
		}
	}
	return RoleVolunteer, false
}

// RoleFrom returns the role the incoming metadata of ctx names. A missing
// or unknown role, or several that disagree, is RoleVolunteer: whatever
// cannot be read gets the least.
func RoleFrom(ctx context.Context) Role {
	vals := metadata.ValueFromIncomingContext(ctx, RoleMetadataKey)
	if len(vals) == 0 {
		return RoleVolunteer
	}
	r, ok := ParseRole(vals[0])
	if !ok {
		return RoleVolunteer
	}
	for _, v := range vals[1:] {
		if o, ok := ParseRole(v); !ok || o != r {
			return RoleVolunteer
		}
	}
	return r
}

// SeesPositions reports whether the role may see responders' precise
// positions and resolution-8 cells. Only dispatchers may: they send people.
func (r Role) SeesPositions() bool { return r == RoleDispatcher }
