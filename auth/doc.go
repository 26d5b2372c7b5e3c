// Package auth says who a caller is: the Principal an authenticated
// request carries (subject, role and scope), how it travels on a context,
// and the tokens that prove it. It knows nothing of gRPC or HTTP; the API
// layer authenticates calls and puts the principal on their contexts, and
// domains may read it (for example to record who did what).
//
// # Tokens
//
// A token is a compact JWS (a JWT) signed with Ed25519, built with the
// standard library only. Its header is {"alg":"EdDSA","typ":"JWT","kid":K}
// and its claims are Claims: iss "gridwatch", sub, gw_role, gw_units,
// gw_grids, gw_kind, iat, exp, optional nbf, and a random jti that becomes
// Principal.TokenID. Verifier.Verify is strict: at most MaxTokenBytes of
// base64url, alg exactly EdDSA, a known key id, a good signature, no
// unknown header field or claim, exp and iat present and, like nbf, met
// within Leeway, a known role spelled exactly, and a scope that fits the
// role (CheckPrincipal). Every failure is ErrUnauthenticated with a fixed
// reason, except a genuine token of another kind (KindRating, reserved for
// the citizen rating page), which is ErrNotAccessToken. A Verifier
// remembers the tokens it accepted (by their SHA-256, in a bounded cache),
// so that a client's next call with the same token checks only its times.
//
// # Keys
//
// A KeyRing holds the PKCS#8 PEM Ed25519 keys of a directory
// (LoadKeyRing): the key whose file name sorts last signs (Issue), every
// key verifies (Verifier). A key's id is the first 16 characters of the
// base64url SHA-256 of its public key. GenerateKey adds a key, mode 0600,
// named by its time of creation so that it signs next; removing a key's
// file retires the tokens it signed.
package auth
