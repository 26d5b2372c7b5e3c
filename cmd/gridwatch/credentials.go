package main

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/grpc/metadata"

	"github.com/gridwatch/gridwatch/auth"
)

// The caller's credentials: the --token, sent as "authorization: Bearer
// <token>" metadata, and the --role, sent as x-gridwatch-role, which only
// a server whose authentication is off (gridwatchd -auth off) reads.
const (
	authorizationMetadataKey = "authorization"
	roleMetadataKey          = "x-gridwatch-role"
	defaultRole              = "dispatcher"
	tokenUsage               = "bearer token sent with every call (env GRIDWATCH_TOKEN); " +
		"an admin issues them with 'gridwatch token issue'"
	roleUsage = "role asserted to a server whose authentication is off (gridwatchd -auth off), " +
		"ignored otherwise: dispatcher (sees precise positions), station_chief, officer, volunteer or admin (env GRIDWATCH_ROLE)"
)

// checkRole rejects a --role the server would not recognise, or not as
// spelled (auth.ParseRole is lenient).
func checkRole(role string) error {
	if r, ok := auth.ParseRole(role); ok && r.String() == role {
		return nil
	}
	return fmt.Errorf("--role %q: want %s", role, roleList())
}

// roleList names every role, most privileged first.
func roleList() string {
	roles := auth.Roles()
	names := make([]string, len(roles))
	for i, r := range roles {
		names[len(roles)-1-i] = r.String()
	}
	return strings.Join(names, ", ")
}

// withCredentials adds the --token, if any, and the --role to the outgoing
// metadata of ctx.
func (a *app) withCredentials(ctx context.Context) context.Context {
	if a.token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, authorizationMetadataKey, "Bearer "+a.token)
	}
	return metadata.AppendToOutgoingContext(ctx, roleMetadataKey, a.role)
}
