package api

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"google.golang.org/grpc"

	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/dispatch"
)

// authorizer is the one place calls are authorised: an interceptor run
// after authentication that looks the method up in rules
// (authz_rules.go) and lets the call through only if the rule allows the
// caller's principal and request. A gridwatch method without a rule is
// denied, as is a call without a principal. Denials are PERMISSION_DENIED
// whether or not the object named exists (AIP-211).
type authorizer struct {
	rules map[string]rule
	look  *lookups          // nil: no object lookups (errNoLookups)
	disp  *dispatch.Service // nil: no incident is found
	log   *slog.Logger
}

// rule authorises one method.
type rule struct {
	// roles may make the call at all; every other role is denied.
	roles []Role
	// check, when set, decides on the request once the role passed: nil
	// allows it, an error (errPermissionDenied, or invalid input) refuses
	// it. On a stream it sees every message the client sends.
	check func(ctx context.Context, s *scope, req any) error
	// scoped puts the caller's scope on the handler's context (scopeFrom):
	// a list or watch filters what it returns with it.
	scoped bool
}

// newAuthorizer returns the authorizer of cfg's services.
func newAuthorizer(cfg Config) *authorizer {
	cfg = cfg.withDefaults()
	return &authorizer{rules: authzRules(), look: newLookups(cfg.Grid), disp: cfg.Dispatch, log: cfg.Logger}
}

// denied returns an error matching errPermissionDenied saying why. The
// reason must not depend on whether the object exists.
func denied(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), errPermissionDenied)
}

// authorize decides on a call of method, with its request if it is unary
// (nil for a stream, whose messages checkedStream checks), and returns the
// handler's context, the caller's scope and the method's rule (nil for a
// public method).
func (a *authorizer) authorize(ctx context.Context, method string, req any) (context.Context, *scope, *rule, error) {
	if isPublic(method) { // health checks and reflection (authn.go)
		return ctx, nil, nil, nil
	}
	r, ok := a.rules[method]
	if !ok {
		return ctx, nil, nil, denied("%s has no authorisation rule", method)
	}
	p, ok := auth.FromContext(ctx)
	if !ok {
		return ctx, nil, nil, denied("unauthenticated call")
	}
	if !slices.Contains(r.roles, p.Role) {
		return ctx, nil, nil, denied("role %s may not call %s", p.Role, shortMethod(method))
	}
	s := newScope(p, a.look, a.disp)
	if r.scoped {
		ctx = withScope(ctx, s)
	}
	if r.check != nil && req != nil {
		if err := r.check(ctx, s, req); err != nil {
			return ctx, nil, nil, err
		}
	}
	return ctx, s, &r, nil
}

// shortMethod returns the method's name without its package,
// "DispatchService/GetIncident".
func shortMethod(method string) string {
	if i := strings.LastIndex(method, "."); i >= 0 {
		return method[i+1:]
	}
	return method
}

// fail turns an authorisation error into the client's status, logging
// what the client is not told (a store that failed during a lookup).
func (a *authorizer) fail(ctx context.Context, err error) error {
	if r := ruleFor(err); r.log {
		a.log.ErrorContext(ctx, "api: authorisation failed", "code", r.code.String(), "err", err)
	}
	return toStatus(err)
}

func (a *authorizer) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, _, _, err := a.authorize(ctx, info.FullMethod, req)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return handler(ctx, req)
}

func (a *authorizer) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx, s, r, err := a.authorize(ss.Context(), info.FullMethod, nil)
	if err != nil {
		return a.fail(ss.Context(), err)
	}
	if r == nil || r.check == nil {
		return handler(srv, contextStream{ServerStream: ss, ctx: ctx})
	}
	return handler(srv, &checkedStream{ServerStream: ss, ctx: ctx, a: a, s: s, check: r.check})
}

// checkedStream runs a rule's check on every message the client sends: a
// message the caller may not send ends the stream PERMISSION_DENIED before
// the handler sees it.
type checkedStream struct {
	grpc.ServerStream
	ctx   context.Context
	a     *authorizer
	s     *scope
	check func(ctx context.Context, s *scope, req any) error
}

// Context returns the handler's context.
func (c *checkedStream) Context() context.Context { return c.ctx }

// RecvMsg receives a message and checks it.
func (c *checkedStream) RecvMsg(m any) error {
	if err := c.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	if err := c.check(c.ctx, c.s, m); err != nil {
		return c.a.fail(c.ctx, err)
	}
	return nil
}
