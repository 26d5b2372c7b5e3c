package api

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/gridwatch/gridwatch/auth"
)

// AuthorizationMetadataKey is the gRPC metadata key of the caller's
// credentials, "Bearer <token>". Over HTTP the gateway forwards the
// Authorization header as this key.
const AuthorizationMetadataKey = "authorization"

// The metadata an unauthenticated caller asserts itself with when
// authentication is off (AuthOff); over HTTP the server's gateway forwards
// them from the headers X-Gridwatch-Role, -Subject, -Units and -Grids. With
// authentication on they are ignored.
const (
	// RoleMetadataKey names the caller's role; absent, the caller is an
	// admin.
	RoleMetadataKey = "x-gridwatch-role"
	// SubjectMetadataKey names the caller (Principal.Subject).
	SubjectMetadataKey = "x-gridwatch-subject"
	// UnitsMetadataKey and GridsMetadataKey list the caller's units and
	// grids, comma-separated.
	UnitsMetadataKey = "x-gridwatch-units"
	GridsMetadataKey = "x-gridwatch-grids"
)

// publicServices are the services anyone may call without credentials:
// health checks and reflection.
var publicServices = map[string]bool{
	"grpc.health.v1.Health":                    true,
	"grpc.reflection.v1.ServerReflection":      true,
	"grpc.reflection.v1alpha.ServerReflection": true,
}

// publicMethods are the single methods ("/package.Service/Method") anyone
// may call without credentials. None yet: the citizen rating page's
// methods go here, each checking the rating token it is given itself.
var publicMethods = map[string]bool{}

// isPublic reports whether the method (full name) needs no credentials.
func isPublic(method string) bool {
	if publicMethods[method] {
		return true
	}
	svc, _, ok := strings.Cut(strings.TrimPrefix(method, "/"), "/")
	return ok && publicServices[svc]
}

// TokenVerifier checks a bearer token and returns the caller it names;
// *auth.Verifier is one. Its errors must match auth.ErrUnauthenticated or
// auth.ErrNotAccessToken.
type TokenVerifier interface {
	Verify(token string) (auth.Principal, error)
}

// Authentication says how the API authenticates calls: TokenAuth or
// AuthOff. The zero value refuses every call but the public ones (health
// and reflection): leaving it unset never opens the API.
type Authentication struct {
	verifier TokenVerifier
	off      bool
}

// TokenAuth authenticates each call by the bearer token of its
// authorization metadata, checked by v; a call without a valid token is
// UNAUTHENTICATED.
func TokenAuth(v TokenVerifier) Authentication { return Authentication{verifier: v} }

// AuthOff turns authentication off, for local experiments only: the caller
// is whoever the metadata x-gridwatch-role (an admin when absent),
// -subject, -units and -grids say.
func AuthOff() Authentication { return Authentication{off: true} }

// Off reports whether authentication is off.
func (a Authentication) Off() bool { return a.off }

// authenticator is the first API interceptor: it puts the caller's
// auth.Principal on the context, or refuses the call.
type authenticator struct{ a Authentication }

// authenticate returns ctx carrying the principal of a call to method.
func (a authenticator) authenticate(ctx context.Context, method string) (context.Context, error) {
	switch {
	case isPublic(method):
		return ctx, nil
	case a.a.off:
		return auth.NewContext(ctx, principalFromMetadata(ctx)), nil
	}
	tok, err := bearerToken(ctx)
	if err != nil {
		return nil, err
	}
	if a.a.verifier == nil {
		return nil, fmt.Errorf("%w: the server has no token verifier", auth.ErrUnauthenticated)
	}
	p, err := a.a.verifier.Verify(tok)
	if err != nil {
		return nil, err
	}
	return auth.NewContext(ctx, p), nil
}

func (a authenticator) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, err := a.authenticate(ctx, info.FullMethod)
	if err != nil {
		return nil, toStatus(err)
	}
	return handler(ctx, req)
}

func (a authenticator) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx, err := a.authenticate(ss.Context(), info.FullMethod)
	if err != nil {
		return toStatus(err)
	}
	return handler(srv, contextStream{ServerStream: ss, ctx: ctx})
}

// bearerToken returns the token of the one "Bearer <token>" authorization
// value of the incoming metadata.
func bearerToken(ctx context.Context) (string, error) {
	vals := metadata.ValueFromIncomingContext(ctx, AuthorizationMetadataKey)
	switch {
	case len(vals) == 0:
		return "", fmt.Errorf("%w: no bearer token (metadata authorization: Bearer <token>)", auth.ErrUnauthenticated)
	case len(vals) > 1:
		return "", fmt.Errorf("%w: several authorization values", auth.ErrUnauthenticated)
	}
	scheme, tok, _ := strings.Cut(strings.TrimSpace(vals[0]), " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", fmt.Errorf("%w: authorization is not a bearer token", auth.ErrUnauthenticated)
	}
	return tok, nil
}

// principalFromMetadata returns the caller the incoming metadata asserts,
// when authentication is off.
func principalFromMetadata(ctx context.Context) auth.Principal {
	p := auth.Principal{Role: roleFromMetadata(ctx)}
	if v := metadata.ValueFromIncomingContext(ctx, SubjectMetadataKey); len(v) == 1 {
		p.Subject = strings.TrimSpace(v[0]) // several subjects are none
	}
	p.Units = listFromMetadata(ctx, UnitsMetadataKey)
	p.Grids = listFromMetadata(ctx, GridsMetadataKey)
	return p
}

// roleFromMetadata returns the role the incoming metadata of ctx names:
// RoleAdmin when it names none; RoleVolunteer for an unknown role or
// several that disagree.
func roleFromMetadata(ctx context.Context) Role {
	vals := metadata.ValueFromIncomingContext(ctx, RoleMetadataKey)
	if len(vals) == 0 {
		return RoleAdmin
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

// listFromMetadata returns the comma-separated values of key, trimmed,
// empty ones left out.
func listFromMetadata(ctx context.Context, key string) []string {
	var out []string
	for _, v := range metadata.ValueFromIncomingContext(ctx, key) {
		for s := range strings.SplitSeq(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
