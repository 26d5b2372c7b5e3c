package api

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/gridwatch/gridwatch/auth"
)

// testSigningKey is the key of the test servers, drawn once per test
// binary.
var testSigningKey = sync.OnceValue(func() ed25519.PrivateKey {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return priv
})

// testKeys is the key ring of testSigningKey.
var testKeys = sync.OnceValue(func() *auth.KeyRing {
	r, err := auth.NewKeyRing(testSigningKey())
	if err != nil {
		panic(err)
	}
	return r
})

// testAuth is the authentication of test servers: tokens of testKeys.
func testAuth() Authentication { return TokenAuth(testKeys().Verifier()) }

// tokenFor returns a token for p signed by testKeys, valid for a day.
func tokenFor(p auth.Principal) string {
	tok, _, err := testKeys().Issue(p, time.Now(), 24*time.Hour)
	if err != nil {
		panic(err)
	}
	return tok
}

// testPrincipal is the caller tests mean by a role name: inScope of the
// role, whose scope holds the test fixtures. A name auth.ParseRole does
// not know is a volunteer, as a server without authentication took an
// unknown role to be.
func testPrincipal(role string) auth.Principal {
	r, _ := auth.ParseRole(role)
	return inScope(r)
}

// withRole returns ctx sending a token of testPrincipal(role).
func withRole(ctx context.Context, role string) context.Context {
	return withPrincipal(ctx, testPrincipal(role))
}

// withPrincipal returns ctx sending a token of p.
func withPrincipal(ctx context.Context, p auth.Principal) context.Context {
	return withToken(ctx, tokenFor(p))
}

// withToken returns ctx sending tok as its bearer token.
func withToken(ctx context.Context, tok string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, AuthorizationMetadataKey, "Bearer "+tok)
}

// withDefaultToken returns the dial options of a test client whose calls
// without authorization metadata of their own send a token of
// testOperator, an admin: tests of what a role may do say the role.
func withDefaultToken() []grpc.DialOption {
	tok := sync.OnceValue(func() string { return tokenFor(testOperator) })
	add := func(ctx context.Context) context.Context {
		if md, _ := metadata.FromOutgoingContext(ctx); len(md.Get(AuthorizationMetadataKey)) > 0 {
			return ctx
		}
		return withToken(ctx, tok())
	}
	return []grpc.DialOption{
		grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply any,
			cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			return invoker(add(ctx), method, req, reply, cc, opts...)
		}),
		grpc.WithChainStreamInterceptor(func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn,
			method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
			return streamer(add(ctx), desc, cc, method, opts...)
		}),
	}
}
