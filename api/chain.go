package api

import (
	"context"

	"google.golang.org/grpc"
)

// Interceptors returns the API's interceptors, outermost first, for the
// server to run after its own (server.Registrar.Unary and Stream). They
// are the one place where calls are authenticated (cfg.Auth: the caller's
// auth.Principal is put on the context, or the call is refused
// UNAUTHENTICATED) before any handler runs, then held to the caller's rate
// limits and open streams (cfg.Limits) and to the size caps of each
// method, then authorised (authz.go), and, last, recorded in the audit
// trail (cfg.Audit; auditor). It panics if cfg.Limits is not valid (check
// Limits.Validate first).
func Interceptors(cfg Config) ([]grpc.UnaryServerInterceptor, []grpc.StreamServerInterceptor) {
	authn := authenticator{a: cfg.Auth}
	limits := newLimiter(cfg.Limits)
	caps := newSizeCaps(cfg)
	authz := newAuthorizer(cfg)
	unary := []grpc.UnaryServerInterceptor{authn.unary, limits.unary, caps.unary, authz.unary}
	unary = append(unary, auditUnary(cfg)...) // last: after authentication and authorisation
	return unary, []grpc.StreamServerInterceptor{authn.stream, limits.stream, caps.stream, authz.stream}
}

// contextStream is a server stream whose context an interceptor replaced.
type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

// Context returns the replaced context.
func (s contextStream) Context() context.Context { return s.ctx }
