package auth

import (
	"errors"
	"strings"
	"testing"
)

// FuzzVerify feeds the token decoder arbitrary input: it must never panic,
// must fail with ErrUnauthenticated or ErrNotAccessToken, and may succeed
// only on a seed that was validly signed (nothing else can be), naming
// exactly that seed's caller.
func FuzzVerify(f *testing.F) {
	v := testRing(f).Verifier()
	valid := token(f, validClaims())
	parts := strings.Split(valid, ".")
	for _, seed := range []string{
		valid,
		forge(f, oldKey, hdr(oldKey), validClaims().with("gw_role", "officer", "gw_units", nil, "gw_grids", []string{"a"})),
		token(f, validClaims().with("gw_kind", "rating")),
		token(f, validClaims().with("exp", testNow.Unix()-3600)),
		forge(f, nil, map[string]any{"alg": "none", "typ": "JWT", "kid": kidOf(newKey)}, validClaims()),
		forge(f, strangerKey, hdr(newKey), validClaims()),
		parts[0] + "." + parts[1] + ".",
		parts[0] + ".." + parts[2],
		"a.b.c",
		"..",
		"",
		"eyJhbGciOiJFZERTQSJ9.e30.AAAA",
		strings.Repeat("A", MaxTokenBytes+1),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		p, c, err := v.VerifyAt(tok, testNow)
		if err != nil {
			if !errors.Is(err, ErrUnauthenticated) && !errors.Is(err, ErrNotAccessToken) {
				t.Fatalf("VerifyAt(%q) = %v, want ErrUnauthenticated or ErrNotAccessToken", tok, err)
			}
			return
		}
		if err := CheckPrincipal(p); err != nil || c.Kind != KindAccess || len(tok) > MaxTokenBytes {
			t.Fatalf("VerifyAt(%q) accepted %+v, %+v", tok, p, c)
		}
		if p.Subject != "d1" || p.TokenID != "t1" {
			t.Fatalf("VerifyAt(%q) accepted a token nobody signed: %+v", tok, p)
		}
	})
}
