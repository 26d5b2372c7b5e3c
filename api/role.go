package api

import (
	"context"

	"google.golang.org/grpc/metadata"

	"github.com/gridwatch/gridwatch/auth"
)

// RoleMetadataKey is the gRPC metadata key naming the caller's role. Over
// HTTP the server's gateway forwards it from the header X-Gridwatch-Role
// (Grpc-Metadata-X-Gridwatch-Role works too).
//
// The role is asserted by the caller and not authenticated: headerAuth
// reads it until token authentication replaces it.
const RoleMetadataKey = "x-gridwatch-role"

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

// roleFromMetadata returns the role the incoming metadata of ctx names. A
// missing or unknown role, or several that disagree, is RoleVolunteer.
func roleFromMetadata(ctx context.Context) Role {
	vals := metadata.ValueFromIncomingContext(ctx, RoleMetadataKey)
	if len(vals) == 0 {
		return RoleVolunteer
	}
	r, ok := auth.ParseRole(vals[0])
	if !ok {
		return RoleVolunteer
	}
	for _, v := range vals[1:] {
		if o, ok := auth.ParseRole(v); !ok || o != r {
			return RoleVolunteer
		}
	}
	return r
}
