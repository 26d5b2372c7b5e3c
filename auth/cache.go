package auth

import (
	"crypto/sha256"
	"slices"
	"sync"
	"time"
)

// verifiedCacheSize bounds the tokens a Verifier remembers as verified.
const verifiedCacheSize = 4096

// verified is a token that passed every check once.
type verified struct {
	p Principal
	c Claims
}

// verifiedCache remembers the tokens a Verifier accepted, by their SHA-256,
// so that a client calling again with the same token costs a hash, not a
// signature check. Only the times are checked again on a hit; a full cache
// forgets an arbitrary entry.
type verifiedCache struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]verified
}

// get returns the entry of token if it is there and still valid at now.
func (vc *verifiedCache) get(token string, now time.Time) (Principal, Claims, bool) {
	sum := sha256.Sum256([]byte(token))
	vc.mu.Lock()
	e, ok := vc.m[sum]
	vc.mu.Unlock()
	if !ok || checkTimes(e.c, now) != nil {
		return Principal{}, Claims{}, false
	}
	p := e.p
	p.Units, p.Grids = slices.Clone(p.Units), slices.Clone(p.Grids)
	return p, e.c, true
}

// put remembers that token verified as p with claims c.
func (vc *verifiedCache) put(token string, p Principal, c Claims) {
	sum := sha256.Sum256([]byte(token))
	p.Units, p.Grids = slices.Clone(p.Units), slices.Clone(p.Grids)
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if vc.m == nil {
		vc.m = make(map[[sha256.Size]byte]verified)
	}
	if len(vc.m) >= verifiedCacheSize {
		for k := range vc.m { // map order: an arbitrary entry
			delete(vc.m, k)
			break
		}
	}
	vc.m[sum] = verified{p: p, c: c}
}
