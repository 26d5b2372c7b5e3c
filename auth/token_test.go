package auth

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// testNow is the time of the token tests.
var testNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// testKey returns the Ed25519 key drawn from seed byte b.
func testKey(b byte) ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = b
	return ed25519.NewKeyFromSeed(seed)
}

// oldKey and newKey are a test ring's keys (newKey signs); strangerKey is
// in no ring.
var oldKey, newKey, strangerKey = testKey(1), testKey(2), testKey(3)

func testRing(t testing.TB) *KeyRing {
	t.Helper()
	r, err := NewKeyRing(oldKey, newKey)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func kidOf(k ed25519.PrivateKey) string { return KeyID(k.Public().(ed25519.PublicKey)) }

// claimsMap are a token's claims as JSON values, for tests to spoil.
type claimsMap map[string]any

// validClaims are the claims of a dispatcher's token valid at testNow.
func validClaims() claimsMap {
	return claimsMap{
		"iss": "gridwatch", "sub": "d1", "gw_role": "dispatcher", "gw_units": []string{"hp"},
		"gw_grids": []string{}, "gw_kind": "access", "iat": testNow.Unix() - 60,
		"exp": testNow.Unix() + 3600, "jti": "t1",
	}
}

// with returns a copy of c with the changes; a nil value deletes the claim.
func (c claimsMap) with(kv ...any) claimsMap {
	out := maps.Clone(c)
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

// forge returns a token of the header and claims given as JSON values,
// signed by key (no signature when key is nil).
func forge(t testing.TB, key ed25519.PrivateKey, hdr, claims any) string {
	t.Helper()
	h, err := json.Marshal(hdr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signed := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	if key == nil {
		return signed + "."
	}
	return signed + "." + b64.EncodeToString(ed25519.Sign(key, []byte(signed)))
}

// hdr is the JOSE header of key.
func hdr(key ed25519.PrivateKey) map[string]any {
	return map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": kidOf(key)}
}

// token is a token of claims signed by newKey.
func token(t testing.TB, claims claimsMap) string { return forge(t, newKey, hdr(newKey), claims) }

func TestVerify(t *testing.T) {
	v := testRing(t).Verifier()
	valid := token(t, validClaims())
	parts := strings.Split(valid, ".")
	admin := b64.EncodeToString([]byte(`{"iss":"gridwatch","sub":"d1","gw_role":"admin","gw_units":[],"gw_grids":[],"gw_kind":"access","iat":1,"exp":9999999999,"jti":"t1"}`))
	hs256 := func() string {
		h := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT","kid":"` + kidOf(newKey) + `"}`))
		signed := h + "." + parts[1]
		m := hmac.New(sha256.New, newKey.Public().(ed25519.PublicKey))
		m.Write([]byte(signed))
		return signed + "." + b64.EncodeToString(m.Sum(nil))
	}()
	lee := int64(Leeway / time.Second)
	tests := []struct {
		name  string
		token string
		want  error // nil: valid
	}{
		{"valid", valid, nil},
		{"signed by the older key", forge(t, oldKey, hdr(oldKey), validClaims()), nil},
		{"officer with grids", token(t, validClaims().with("gw_role", "officer", "gw_units", []string{}, "gw_grids", []string{"a"})), nil},
		{"officer without grids", token(t, validClaims().with("gw_role", "officer", "gw_units", nil)), nil},
		{"volunteer", token(t, validClaims().with("gw_role", "volunteer", "gw_units", nil, "gw_grids", nil)), nil},
		{"station chief", token(t, validClaims().with("gw_role", "station_chief")), nil},
		{"admin", token(t, validClaims().with("gw_role", "admin", "gw_units", []string{})), nil},
		{"expired within leeway", token(t, validClaims().with("exp", testNow.Unix()-lee)), nil},
		{"nbf within leeway", token(t, validClaims().with("nbf", testNow.Unix()+lee)), nil},

		{"expired", token(t, validClaims().with("exp", testNow.Unix()-lee-1)), ErrUnauthenticated},
		{"not yet valid", token(t, validClaims().with("nbf", testNow.Unix()+lee+1)), ErrUnauthenticated},
		{"issued in the future", token(t, validClaims().with("iat", testNow.Unix()+lee+1, "exp", testNow.Unix()+7200)), ErrUnauthenticated},
		{"no exp", token(t, validClaims().with("exp", nil)), ErrUnauthenticated},
		{"no iat", token(t, validClaims().with("iat", nil)), ErrUnauthenticated},
		{"exp before iat", token(t, validClaims().with("iat", testNow.Unix(), "exp", testNow.Unix()-1)), ErrUnauthenticated},
		{"exp not an integer", token(t, validClaims().with("exp", 1.5e9+0.5)), ErrUnauthenticated},
		{"exp a string", token(t, validClaims().with("exp", "9999999999")), ErrUnauthenticated},

		{"forged claims", parts[0] + "." + admin + "." + parts[2], ErrUnauthenticated},
		{"forged signature", parts[0] + "." + parts[1] + "." + flip(parts[2]), ErrUnauthenticated},
		{"signature cut short", parts[0] + "." + parts[1] + "." + parts[2][:40], ErrUnauthenticated},
		{"wrong key under its own kid", forge(t, strangerKey, hdr(strangerKey), validClaims()), ErrUnauthenticated},
		{"wrong key under a known kid", forge(t, strangerKey, hdr(newKey), validClaims()), ErrUnauthenticated},
		{"unknown kid", forge(t, newKey, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": "AAAAAAAAAAAAAAAA"}, validClaims()), ErrUnauthenticated},
		{"no kid", forge(t, newKey, map[string]any{"alg": "EdDSA", "typ": "JWT"}, validClaims()), ErrUnauthenticated},
		{"alg none, no signature", forge(t, nil, map[string]any{"alg": "none", "typ": "JWT", "kid": kidOf(newKey)}, validClaims()), ErrUnauthenticated},
		{"alg none, signed", forge(t, newKey, map[string]any{"alg": "none", "typ": "JWT", "kid": kidOf(newKey)}, validClaims()), ErrUnauthenticated},
		{"alg HS256 keyed with the public key", hs256, ErrUnauthenticated},
		{"alg missing", forge(t, newKey, map[string]any{"typ": "JWT", "kid": kidOf(newKey)}, validClaims()), ErrUnauthenticated},
		{"alg in another case", forge(t, newKey, map[string]any{"alg": "eddsa", "typ": "JWT", "kid": kidOf(newKey)}, validClaims()), ErrUnauthenticated},
		{"typ missing", forge(t, newKey, map[string]any{"alg": "EdDSA", "kid": kidOf(newKey)}, validClaims()), ErrUnauthenticated},
		{"crit header", forge(t, newKey, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": kidOf(newKey), "crit": []string{"x"}}, validClaims()), ErrUnauthenticated},
		{"jwk header", forge(t, newKey, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": kidOf(newKey), "jwk": "x"}, validClaims()), ErrUnauthenticated},

		{"unknown role", token(t, validClaims().with("gw_role", "root")), ErrUnauthenticated},
		{"role in another case", token(t, validClaims().with("gw_role", "Dispatcher")), ErrUnauthenticated},
		{"role missing", token(t, validClaims().with("gw_role", nil)), ErrUnauthenticated},
		{"dispatcher without units", token(t, validClaims().with("gw_units", []string{})), ErrUnauthenticated},
		{"dispatcher with grids", token(t, validClaims().with("gw_grids", []string{"a"})), ErrUnauthenticated},
		{"officer with units", token(t, validClaims().with("gw_role", "officer")), ErrUnauthenticated},
		{"volunteer with grids", token(t, validClaims().with("gw_role", "volunteer", "gw_units", nil, "gw_grids", []string{"a"})), ErrUnauthenticated},
		{"admin with units", token(t, validClaims().with("gw_role", "admin")), ErrUnauthenticated},
		{"bad unit id", token(t, validClaims().with("gw_units", []string{"a/b"})), ErrUnauthenticated},
		{"no subject", token(t, validClaims().with("sub", nil)), ErrUnauthenticated},
		{"subject with a space", token(t, validClaims().with("sub", "d 1")), ErrUnauthenticated},
		{"no jti", token(t, validClaims().with("jti", nil)), ErrUnauthenticated},
		{"wrong issuer", token(t, validClaims().with("iss", "other")), ErrUnauthenticated},
		{"unknown claim", token(t, validClaims().with("admin", true)), ErrUnauthenticated},

		{"rating kind", token(t, validClaims().with("gw_kind", "rating")), ErrNotAccessToken},
		{"kind missing", token(t, validClaims().with("gw_kind", nil)), ErrUnauthenticated},
		{"unknown kind", token(t, validClaims().with("gw_kind", "refresh")), ErrUnauthenticated},

		{"empty", "", ErrUnauthenticated},
		{"two segments", parts[0] + "." + parts[1], ErrUnauthenticated},
		{"four segments", valid + ".x", ErrUnauthenticated},
		{"empty claims", parts[0] + ".." + parts[2], ErrUnauthenticated},
		{"padded", parts[0] + "." + parts[1] + "." + parts[2] + "==", ErrUnauthenticated},
		{"newline inside", parts[0] + ".\n" + parts[1] + "." + parts[2], ErrUnauthenticated},
		{"standard base64", strings.NewReplacer("-", "+", "_", "/").Replace(valid), ErrUnauthenticated},
		{"header not JSON", b64.EncodeToString([]byte("EdDSA")) + "." + parts[1] + "." + parts[2], ErrUnauthenticated},
		{"header a JSON array", forge(t, newKey, []string{"EdDSA"}, validClaims()), ErrUnauthenticated},
		{"claims a JSON array", forge(t, newKey, hdr(newKey), []any{validClaims()}), ErrUnauthenticated},
		{"oversized", token(t, validClaims().with("gw_role", "officer", "gw_units", nil, "gw_grids", manyGrids(900))), ErrUnauthenticated},
		{"too many grids", token(t, validClaims().with("gw_role", "officer", "gw_units", nil, "gw_grids", manyGrids(maxScope+1))), ErrUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, c, err := v.VerifyAt(tt.token, testNow)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("VerifyAt: %v, want a principal", err)
				}
				if p.Subject != c.Subject || p.Role.String() != c.Role || p.TokenID != c.ID || !slices.Equal(p.Units, c.Units) {
					t.Errorf("principal %+v does not match the claims %+v", p, c)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("VerifyAt = %+v, %v; want %v", p, err, tt.want)
			}
			if tt.want == ErrNotAccessToken && errors.Is(err, ErrUnauthenticated) || strings.Contains(err.Error(), "d1") {
				t.Errorf("error %q", err)
			}
		})
	}
}

// flip changes the first character of a base64url string.
func flip(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func manyGrids(n int) []string {
	g := make([]string, n)
	for i := range g {
		g[i] = strings.Repeat("g", 4) + string(rune('a'+i%26)) + strings.Repeat("x", i%7)
	}
	return g
}

func TestVerifyOversizedIsLong(t *testing.T) {
	tok := token(t, validClaims().with("gw_role", "officer", "gw_units", nil, "gw_grids", manyGrids(900)))
	if len(tok) <= MaxTokenBytes {
		t.Fatalf("the oversized token has %d bytes, not more than %d", len(tok), MaxTokenBytes)
	}
}

func TestIssue(t *testing.T) {
	r := testRing(t)
	v := r.Verifier()
	tests := []struct {
		name    string
		p       Principal
		ttl     time.Duration
		wantErr bool
	}{
		{"dispatcher", Principal{Subject: "d1", Role: RoleDispatcher, Units: []string{"hp", "sh"}}, time.Hour, false},
		{"officer", Principal{Subject: "p3", Role: RoleOfficer, Grids: []string{"a"}}, time.Hour, false},
		{"volunteer", Principal{Subject: "w1"}, 24 * time.Hour, false},
		{"admin", Principal{Subject: "admin", Role: RoleAdmin}, MaxTTL, false},
		{"no subject", Principal{Role: RoleAdmin}, time.Hour, true},
		{"dispatcher without units", Principal{Subject: "d1", Role: RoleDispatcher}, time.Hour, true},
		{"unknown role", Principal{Subject: "x", Role: Role(9)}, time.Hour, true},
		{"no lifetime", Principal{Subject: "admin", Role: RoleAdmin}, 0, true},
		{"too long a lifetime", Principal{Subject: "admin", Role: RoleAdmin}, MaxTTL + time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, c, err := r.Issue(tt.p, testNow, tt.ttl)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Issue = %q, want an error", tok)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Kind != KindAccess || c.Issuer != Issuer || c.IssuedAt != testNow.Unix() ||
				c.Expires != testNow.Add(tt.ttl).Unix() || len(c.ID) < 16 {
				t.Errorf("claims %+v", c)
			}
			got, _, err := v.VerifyAt(tok, testNow.Add(tt.ttl-time.Second))
			if err != nil {
				t.Fatalf("VerifyAt: %v", err)
			}
			want := tt.p
			want.TokenID = c.ID
			if got.Subject != want.Subject || got.Role != want.Role || got.TokenID != want.TokenID ||
				!slices.Equal(got.Units, want.Units) || !slices.Equal(got.Grids, want.Grids) {
				t.Errorf("VerifyAt = %+v, want %+v", got, want)
			}
			if _, _, err := v.VerifyAt(tok, testNow.Add(tt.ttl+Leeway+time.Second)); !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("after expiry: %v, want ErrUnauthenticated", err)
			}
			if h := strings.Split(tok, ".")[0]; h != b64.EncodeToString([]byte(`{"alg":"EdDSA","typ":"JWT","kid":"`+kidOf(newKey)+`"}`)) {
				t.Errorf("header %s, want newKey's", h)
			}
		})
	}
}

func TestIssueDrawsTokenIDs(t *testing.T) {
	r := testRing(t)
	p := Principal{Subject: "admin", Role: RoleAdmin}
	_, a, _ := r.Issue(p, testNow, time.Hour)
	_, b, _ := r.Issue(p, testNow, time.Hour)
	if a.ID == b.ID {
		t.Errorf("two tokens share the jti %q", a.ID)
	}
}

// TestVerifyCache: a token verified once is checked again only for its
// times, the cache stays bounded, and callers cannot change what it holds.
func TestVerifyCache(t *testing.T) {
	v := testRing(t).Verifier()
	tok := token(t, validClaims().with("nbf", testNow.Unix()))
	p, _, err := v.VerifyAt(tok, testNow)
	if err != nil {
		t.Fatal(err)
	}
	p.Units[0] = "changed"
	again, _, err := v.VerifyAt(tok, testNow)
	if err != nil || again.Units[0] != "hp" {
		t.Errorf("second VerifyAt = %+v, %v; want the cached hp", again, err)
	}
	for _, at := range []time.Time{testNow.Add(2 * time.Hour), testNow.Add(-time.Hour)} {
		if _, _, err := v.VerifyAt(tok, at); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("cached token at %v: %v, want ErrUnauthenticated", at, err)
		}
	}
	for i := range verifiedCacheSize + 10 {
		v.cache.put(strings.Repeat("x", i), p, Claims{})
	}
	if n := len(v.cache.m); n > verifiedCacheSize {
		t.Errorf("the cache holds %d tokens, more than %d", n, verifiedCacheSize)
	}
}

func TestNilVerifier(t *testing.T) {
	var v *Verifier
	if _, err := v.Verify(token(t, validClaims())); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("nil Verifier: %v, want ErrUnauthenticated", err)
	}
}
