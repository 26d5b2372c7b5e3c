package api

import (
	"context"
	"strings"

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

// The metadata keys of the rest of the interim principal (headerAuth),
// asserted by the caller like the role: its subject (a responder id for
// volunteers and officers), and the comma-separated ids of its units and
// grids (the scope of station chiefs, dispatchers and officers).
const (
	SubjectMetadataKey = "x-gridwatch-subject"
	UnitsMetadataKey   = "x-gridwatch-units"
	GridsMetadataKey   = "x-gridwatch-grids"
)

// principalFromMetadata returns the principal the incoming metadata of ctx
// names (headerAuth): its role (roleFromMetadata), subject, units and
// grids. A subject given more than once is none.
func principalFromMetadata(ctx context.Context) auth.Principal {
	p := auth.Principal{Role: roleFromMetadata(ctx)}
	if v := metadata.ValueFromIncomingContext(ctx, SubjectMetadataKey); len(v) == 1 {
		p.Subject = strings.TrimSpace(v[0])
	}
	p.Units = idsFromMetadata(ctx, UnitsMetadataKey)
	p.Grids = idsFromMetadata(ctx, GridsMetadataKey)
	return p
}

// idsFromMetadata returns the comma-separated ids of every value of key.
func idsFromMetadata(ctx context.Context, key string) []string {
	var ids []string
	for _, v := range metadata.ValueFromIncomingContext(ctx, key) {
		for id := range strings.SplitSeq(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

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
