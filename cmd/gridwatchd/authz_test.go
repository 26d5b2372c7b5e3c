package main_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/metadata"

	"github.com/gridwatch/gridwatch/auth"
)

// The tests' callers: a connection's calls are the test operator's, an
// admin's (dial); a phone watching its offers is its responder, a
// volunteer: only they may (asResponder).

// asResponder returns ctx whose calls send a token of responder id, a
// volunteer, of keysOf(t), instead of the connection's admin token.
func asResponder(ctx context.Context, t *testing.T, id string) context.Context {
	t.Helper()
	tok, _, err := keysOf(t).ring.Issue(auth.Principal{Subject: id, Role: auth.RoleVolunteer}, timeNow(), tokenTTL)
	if err != nil {
		t.Fatal(err)
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok)
}
