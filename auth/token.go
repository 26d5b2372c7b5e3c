package auth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The kinds of token (claim gw_kind).
const (
	// KindAccess is the kind of the tokens the API accepts.
	KindAccess = "access"
	// KindRating is reserved for the single-incident tokens of the
	// citizen rating page; the API refuses them.
	KindRating = "rating"
)

const (
	// Issuer is the iss claim of every gridwatch token.
	Issuer = "gridwatch"
	// MaxTokenBytes caps the length of a token; anything longer is refused
	// unread.
	MaxTokenBytes = 8 << 10
	// Leeway is the clock skew allowed when checking exp, nbf and iat.
	Leeway = 30 * time.Second
	// MaxTTL is the longest lifetime Issue gives a token.
	MaxTTL = 366 * 24 * time.Hour
	// maxScope caps the units or grids of one token.
	maxScope = 256
	// maxIDBytes caps a subject, unit, grid or token id.
	maxIDBytes = 128
)

var (
	// ErrUnauthenticated is a token that proves nothing: malformed,
	// oversized, signed with another algorithm or an unknown key, forged,
	// expired, not yet valid, or naming an unknown role or a scope its role
	// cannot have.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrNotAccessToken is a genuine, valid token of another kind than
	// access (a rating token): not a credential for the API.
	ErrNotAccessToken = errors.New("not an access token")
)

// invalid returns an ErrUnauthenticated saying why. The reason is a fixed
// text: it never repeats the token's content.
func invalid(reason string) error { return fmt.Errorf("%w: %s", ErrUnauthenticated, reason) }

// Claims are the claims of a gridwatch token, a compact JWS (JWT) signed
// with Ed25519 ("alg": "EdDSA").
type Claims struct {
	Issuer    string   `json:"iss"`           // always Issuer
	Subject   string   `json:"sub"`           // Principal.Subject
	Role      string   `json:"gw_role"`       // Role.String()
	Units     []string `json:"gw_units"`      // Principal.Units
	Grids     []string `json:"gw_grids"`      // Principal.Grids
	Kind      string   `json:"gw_kind"`       // KindAccess or KindRating
	IssuedAt  int64    `json:"iat"`           // Unix seconds; required
	Expires   int64    `json:"exp"`           // Unix seconds; required
	NotBefore int64    `json:"nbf,omitempty"` // Unix seconds; optional
	ID        string   `json:"jti"`           // random; Principal.TokenID
}

// Principal returns the caller the claims name, after checking that the
// role is known and the scope fits it.
func (c Claims) Principal() (Principal, error) {
	r, ok := roleByName(c.Role)
	if !ok {
		return Principal{}, invalid("unknown role")
	}
	p := Principal{Subject: c.Subject, Role: r, Units: c.Units, Grids: c.Grids, TokenID: c.ID}
	if err := CheckPrincipal(p); err != nil {
		return Principal{}, err
	}
	if err := checkID(c.ID); err != nil {
		return Principal{}, invalid("bad token id")
	}
	return p, nil
}

// roleByName is ParseRole without its leniency: a token names its role
// exactly as Role.String spells it.
func roleByName(s string) (Role, bool) {
	r, ok := ParseRole(s)
	return r, ok && r.String() == s
}

// CheckPrincipal reports whether p can be the caller of a token: a subject,
// units and grids that are ids, and a scope that fits the role. Volunteers
// and admins have none; officers may have grids (their own shifts and
// positions are theirs as responders); dispatchers and station chiefs need
// at least one unit. The error is an ErrUnauthenticated.
func CheckPrincipal(p Principal) error {
	if checkID(p.Subject) != nil {
		return invalid("bad subject")
	}
	if len(p.Units) > maxScope || len(p.Grids) > maxScope {
		return invalid("scope too large")
	}
	for _, id := range append(append([]string(nil), p.Units...), p.Grids...) {
		if checkID(id) != nil {
			return invalid("bad unit or grid id")
		}
	}
	units, grids := len(p.Units) > 0, len(p.Grids) > 0
	switch p.Role {
	case RoleVolunteer, RoleAdmin:
		if units || grids {
			return invalid("role " + p.Role.String() + " takes no units or grids")
		}
	case RoleOfficer:
		if units {
			return invalid("role officer takes grids, not units")
		}
	case RoleStationChief, RoleDispatcher:
		if !units || grids {
			return invalid("role " + p.Role.String() + " needs units and takes no grids")
		}
	default:
		return invalid("unknown role")
	}
	return nil
}

// checkID accepts 1 to 128 bytes of printable characters with no space and
// no '/', like a grid or responder id.
func checkID(s string) error {
	if s == "" || len(s) > maxIDBytes {
		return errors.New("bad id")
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '/' || r == 0xfffd || (r >= 0x80 && r < 0xa0) {
			return errors.New("bad id")
		}
	}
	return nil
}

// header is the JOSE header of a token.
type header struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

// b64 is the unpadded URL-safe base64 of JWS, refusing non-zero padding
// bits, so that one token has one spelling.
var b64 = base64.RawURLEncoding.Strict()

// newClaims returns the access claims of p, issued at now for ttl.
func newClaims(p Principal, now time.Time, ttl time.Duration) (Claims, error) {
	if err := CheckPrincipal(p); err != nil {
		return Claims{}, err
	}
	if ttl <= 0 || ttl > MaxTTL {
		return Claims{}, fmt.Errorf("auth: lifetime %v: want more than 0 and at most %v", ttl, MaxTTL)
	}
	var id [16]byte
	_, _ = rand.Read(id[:]) // never fails (crypto/rand)
	return Claims{
		Issuer: Issuer, Subject: p.Subject, Role: p.Role.String(),
		Units: nonNil(p.Units), Grids: nonNil(p.Grids), Kind: KindAccess,
		IssuedAt: now.Unix(), Expires: now.Add(ttl).Unix(), ID: b64.EncodeToString(id[:]),
	}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return append([]string(nil), s...)
}

// sign returns the compact JWS of claims, signed by key under kid.
func sign(key ed25519.PrivateKey, kid string, claims any) (string, error) {
	h, err := json.Marshal(header{Alg: "EdDSA", Typ: "JWT", Kid: kid})
	if err != nil {
		return "", fmt.Errorf("auth: encoding the header: %w", err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("auth: encoding the claims: %w", err)
	}
	signed := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	return signed + "." + b64.EncodeToString(ed25519.Sign(key, []byte(signed))), nil
}

// Verifier checks tokens against the public keys of a key ring. It is safe
// for concurrent use.
type Verifier struct {
	keys  map[string]ed25519.PublicKey
	cache verifiedCache
}

// NewVerifier returns a Verifier trusting keys, each under its KeyID.
func NewVerifier(keys ...ed25519.PublicKey) *Verifier {
	v := &Verifier{keys: make(map[string]ed25519.PublicKey, len(keys))}
	for _, k := range keys {
		v.keys[KeyID(k)] = append(ed25519.PublicKey(nil), k...)
	}
	return v
}

// Verify checks an access token now and returns the caller it names. Every
// error is an ErrUnauthenticated, except a valid token of another kind,
// which is ErrNotAccessToken.
func (v *Verifier) Verify(token string) (Principal, error) {
	p, _, err := v.VerifyAt(token, time.Now())
	return p, err
}

// VerifyAt is Verify at the time now, returning the token's claims too. A
// token verified before is remembered (a bounded cache): only its times
// are checked again. A nil Verifier trusts no token.
func (v *Verifier) VerifyAt(token string, now time.Time) (Principal, Claims, error) {
	if v == nil {
		return Principal{}, Claims{}, invalid("no verifier")
	}
	if p, c, ok := v.cache.get(token, now); ok {
		return p, c, nil
	}
	c, err := v.claims(token, now)
	if err != nil {
		return Principal{}, Claims{}, err
	}
	p, err := c.Principal()
	if err != nil {
		return Principal{}, Claims{}, err
	}
	v.cache.put(token, p, c)
	return p, c, nil
}

// claims checks token's form, key, signature, issuer, kind and times, and
// returns its claims.
func (v *Verifier) claims(token string, now time.Time) (Claims, error) {
	part, err := v.checkSignature(token)
	if err != nil {
		return Claims{}, err
	}
	payload, err := b64.DecodeString(part)
	if err != nil {
		return Claims{}, invalid("malformed claims")
	}
	var c Claims
	if err := decodeStrict(payload, &c); err != nil {
		return Claims{}, invalid("malformed claims")
	}
	if c.Issuer != Issuer {
		return Claims{}, invalid("wrong issuer")
	}
	if c.Kind != KindAccess {
		if c.Kind == KindRating {
			return Claims{}, fmt.Errorf("%w: a %s token", ErrNotAccessToken, KindRating)
		}
		return Claims{}, invalid("unknown token kind")
	}
	return c, checkTimes(c, now)
}

// checkSignature checks the form, header and signature of token and
// returns its claims part, still encoded.
func (v *Verifier) checkSignature(token string) (string, error) {
	if len(token) > MaxTokenBytes {
		return "", invalid("token too long")
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.') {
			return "", invalid("malformed token")
		}
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", invalid("malformed token")
	}
	raw, err := b64.DecodeString(parts[0])
	if err != nil {
		return "", invalid("malformed header")
	}
	var h header
	if err := decodeStrict(raw, &h); err != nil {
		return "", invalid("malformed header")
	}
	if h.Alg != "EdDSA" || h.Typ != "JWT" {
		return "", invalid("algorithm or type not EdDSA JWT")
	}
	key, ok := v.keys[h.Kid]
	if !ok {
		return "", invalid("unknown key id")
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return "", invalid("malformed signature")
	}
	if !ed25519.Verify(key, []byte(parts[0]+"."+parts[1]), sig) {
		return "", invalid("bad signature")
	}
	return parts[1], nil
}

// checkTimes checks exp (required), nbf and iat (required) against now,
// with Leeway.
func checkTimes(c Claims, now time.Time) error {
	if c.Expires <= 0 || c.IssuedAt <= 0 || c.Expires <= c.IssuedAt || c.NotBefore < 0 {
		return invalid("bad validity times")
	}
	t := now.Unix()
	lee := int64(Leeway / time.Second)
	if t > c.Expires+lee {
		return invalid("token expired")
	}
	if t+lee < c.NotBefore || t+lee < c.IssuedAt {
		return invalid("token not yet valid")
	}
	return nil
}

// decodeStrict decodes one JSON object into v, refusing unknown fields and
// trailing data.
func decodeStrict(b []byte, v any) error {
	if len(b) == 0 || b[0] != '{' {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("trailing data")
	}
	return nil
}
