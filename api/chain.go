package api

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gridwatch/gridwatch/auth"
)

// Interceptors returns the API's interceptors, outermost first, for the
// server to run after its own (server.Registrar.Unary and Stream). They
// are the one place where calls are authenticated (the caller's
// auth.Principal is put on the context) and authorised (authz.go) before
// any handler runs.
func Interceptors(cfg Config) ([]grpc.UnaryServerInterceptor, []grpc.StreamServerInterceptor) {
	authn := headerAuth{}
	authz := newAuthorizer(cfg)
	return []grpc.UnaryServerInterceptor{authn.unary, authz.unary},
		[]grpc.StreamServerInterceptor{authn.stream, authz.stream}
}

// headerAuth takes the caller's principal from unauthenticated metadata:
// the role from x-gridwatch-role (RoleMetadataKey), and the subject, units
// and grids from x-gridwatch-subject, x-gridwatch-units and
// x-gridwatch-grids (comma-separated ids). It is the interim
// authentication, until tokens replace it: the caller asserts who it is.
type headerAuth struct{}

func (headerAuth) principal(ctx context.Context) context.Context {
	return auth.NewContext(ctx, principalFromMetadata(ctx))
}

func (a headerAuth) unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	return handler(a.principal(ctx), req)
}

func (a headerAuth) stream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	return handler(srv, contextStream{ServerStream: ss, ctx: a.principal(ss.Context())})
}

// contextStream is a server stream whose context an interceptor replaced.
type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

// Context returns the replaced context.
func (s contextStream) Context() context.Context { return s.ctx }
