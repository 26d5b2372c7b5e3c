package api

import (
	"context"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// authzCase is how the matrix exercises one method.
type authzCase struct {
	// own calls the method on the caller's own object, or one in its
	// scope; it must succeed for the roles in may and be PERMISSION_DENIED
	// for the others.
	own func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error
	may []Role
	// foreign calls the method on objects outside the caller's scope, or
	// in a way its role may not; each call must be PERMISSION_DENIED for
	// every role but those in reach, for which it must not be.
	foreign func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) []error
	reach   []Role
	// public marks reference data every role reads: nothing is foreign.
	public bool
	// list marks a list or watch: own fails if the result holds a foreign
	// object (for every role but admin).
	list bool
}

// gridwatchMethods returns the full name of every method of every
// gridwatch.v1 service, from the file descriptors the generated code
// registers: a new service file is in without a change here.
func gridwatchMethods() []string {
	var out []string
	_ = gridwatchv1.File_gridwatch_v1_common_proto // the package's files are registered
	protoregistry.GlobalFiles.RangeFilesByPackage("gridwatch.v1", func(f protoreflect.FileDescriptor) bool {
		for i := range f.Services().Len() {
			s := f.Services().Get(i)
			for j := range s.Methods().Len() {
				out = append(out, "/"+string(s.FullName())+"/"+string(s.Methods().Get(j).Name()))
			}
		}
		return true
	})
	slices.Sort(out)
	return out
}

// authzCases returns the matrix's case of every method.
func authzCases() map[string]authzCase {
	cases := map[string]authzCase{}
	for _, part := range []map[string]authzCase{gridCases(), rosterCases(), presenceCases(), dispatchCases(), auditCases()} {
		for k, v := range part {
			cases[k] = v
		}
	}
	return cases
}

// TestAuthzRulesCoverMethods fails for a method of gridwatch.v1 without an
// authorisation rule or a matrix case, and for a rule or case of no
// method: a new RPC must come with both.
func TestAuthzRulesCoverMethods(t *testing.T) {
	methods, rules, cases := gridwatchMethods(), authzRules(), authzCases()
	if len(methods) < 37 {
		t.Fatalf("found %d methods in the descriptors, want every gridwatch.v1 method", len(methods))
	}
	for _, m := range methods {
		if _, ok := rules[m]; !ok {
			t.Errorf("%s has no authorisation rule (authz_rules.go)", m)
		}
		c, ok := cases[m]
		switch {
		case !ok:
			t.Errorf("%s has no case in the authorisation matrix", m)
		case c.own == nil || c.foreign == nil && !c.public && !c.list:
			t.Errorf("%s: its matrix case calls no own and no foreign object", m)
		}
	}
	for m := range rules {
		if !slices.Contains(methods, m) {
			t.Errorf("rule of %s, which no service has", m)
		}
	}
	for m := range cases {
		if !slices.Contains(methods, m) {
			t.Errorf("matrix case of %s, which no service has", m)
		}
	}
}

// TestAuthzMatrix calls every method as every role, on the caller's own
// object (allowed roles must succeed, the others are denied) and on
// foreign ones (denied but for the roles that reach them), over a real
// transport.
func TestAuthzMatrix(t *testing.T) {
	methods, cases := gridwatchMethods(), authzCases()
	for _, role := range auth.Roles() {
		t.Run(role.String(), func(t *testing.T) {
			e := newAuthzEnv(t)
			p := matrixPrincipal(role)
			for _, m := range methods {
				c, ok := cases[m]
				if !ok {
					continue // TestAuthzRulesCoverMethods fails
				}
				t.Run(shortMethod(m), func(t *testing.T) {
					ctx := asPrincipal(t.Context(), p)
					checkOwn(t, c, role, c.own(t, ctx, e, p))
					if c.foreign == nil {
						return
					}
					for i, err := range c.foreign(t, ctx, e, p) {
						checkForeign(t, c, role, i, err)
					}
				})
			}
		})
	}
}

// checkOwn checks the outcome of a call on the caller's own object.
func checkOwn(t *testing.T, c authzCase, role Role, err error) {
	t.Helper()
	if slices.Contains(c.may, role) {
		if err != nil {
			t.Errorf("own object: %v, want success", err)
		}
		return
	}
	if status.Code(err) != codes.PermissionDenied {
		t.Errorf("own object: %v, want PermissionDenied (role %s may not call)", err, role)
	}
}

// checkForeign checks the outcome of call i on a foreign object.
func checkForeign(t *testing.T, c authzCase, role Role, i int, err error) {
	t.Helper()
	if slices.Contains(c.reach, role) {
		if status.Code(err) == codes.PermissionDenied {
			t.Errorf("foreign object %d: %v, want the role to reach it", i, err)
		}
		return
	}
	if status.Code(err) != codes.PermissionDenied {
		t.Errorf("foreign object %d: %v, want PermissionDenied", i, err)
	}
}

// errorf is a failed check of a call's result, which a role that may call
// must not get.
type errorf string

func (e errorf) Error() string { return string(e) }

// each calls f for every responder id and returns the errors.
func each(ids []string, f func(name string) error) []error {
	errs := make([]error, len(ids))
	for i, id := range ids {
		errs[i] = f("responders/" + id)
	}
	return errs
}

// errs returns its arguments: the errors of foreign calls.
func errs(es ...error) []error { return es }
