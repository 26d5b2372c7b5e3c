package auth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// ErrNoKeys is a key directory without a key.
var ErrNoKeys = errors.New("auth: no signing key")

// maxKeyFileBytes caps the size of a key file read; an Ed25519 key in
// PKCS#8 PEM is 119 bytes.
const maxKeyFileBytes = 16 << 10

// KeyID returns the key id of pub: the first 16 characters of the
// unpadded base64url of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return base64.RawURLEncoding.EncodeToString(sum[:])[:16]
}

// signingKey is one key of a ring.
type signingKey struct {
	kid  string
	name string // file name, or "" for a key given in memory
	priv ed25519.PrivateKey
}

// KeyRing holds the Ed25519 signing keys of a server: the newest signs,
// all verify. It is safe for concurrent use.
type KeyRing struct {
	keys []signingKey // oldest first; the last signs
}

// NewKeyRing returns a ring of keys, oldest first: the last signs.
func NewKeyRing(keys ...ed25519.PrivateKey) (*KeyRing, error) {
	r := &KeyRing{}
	for _, k := range keys {
		if len(k) != ed25519.PrivateKeySize {
			return nil, errors.New("auth: not an Ed25519 private key")
		}
		r.add(signingKey{kid: KeyID(k.Public().(ed25519.PublicKey)), priv: k})
	}
	if len(r.keys) == 0 {
		return nil, ErrNoKeys
	}
	return r, nil
}

// add appends k unless the ring holds it already (the same key in two
// files).
func (r *KeyRing) add(k signingKey) {
	if i := slices.IndexFunc(r.keys, func(o signingKey) bool { return o.kid == k.kid }); i >= 0 {
		r.keys = slices.Delete(r.keys, i, i+1)
	}
	r.keys = append(r.keys, k)
}

// LoadKeyRing reads every key file of dir: the files named *.pem (hidden
// files are skipped), each one PKCS#8 PEM Ed25519 private key. The key
// whose file name sorts last signs; GenerateKey names files by their time
// of creation, so that is the newest. A key file that its group or others
// may read is refused. A directory without a key is ErrNoKeys.
func LoadKeyRing(dir string) (*KeyRing, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("auth: reading the key directory: %w", err)
	}
	r := &KeyRing{}
	for _, e := range entries { // sorted by name
		name := e.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".pem") {
			continue
		}
		k, err := readKeyFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		k.name = name
		r.add(k)
	}
	if len(r.keys) == 0 {
		return nil, fmt.Errorf("%w in %s", ErrNoKeys, dir)
	}
	return r, nil
}

// LoadKeyFile returns a ring of the one key in the file at path.
func LoadKeyFile(path string) (*KeyRing, error) {
	k, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	k.name = filepath.Base(path)
	return &KeyRing{keys: []signingKey{k}}, nil
}

// readKeyFile reads one PKCS#8 PEM Ed25519 private key, refusing a file
// its group or others may read.
func readKeyFile(path string) (signingKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return signingKey{}, fmt.Errorf("auth: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return signingKey{}, fmt.Errorf("auth: %w", err)
	}
	if !st.Mode().IsRegular() {
		return signingKey{}, fmt.Errorf("auth: key file %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return signingKey{}, fmt.Errorf("auth: key file %s has mode %04o: others may read it; chmod 600 it",
			path, st.Mode().Perm())
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFileBytes+1))
	if err != nil {
		return signingKey{}, fmt.Errorf("auth: reading %s: %w", path, err)
	}
	priv, err := parseKey(b)
	if err != nil {
		return signingKey{}, fmt.Errorf("auth: key file %s: %w", path, err)
	}
	return signingKey{kid: KeyID(priv.Public().(ed25519.PublicKey)), priv: priv}, nil
}

// parseKey decodes one PEM "PRIVATE KEY" block holding a PKCS#8 Ed25519
// key, and nothing else.
func parseKey(b []byte) (ed25519.PrivateKey, error) {
	if len(b) > maxKeyFileBytes {
		return nil, errors.New("too large for a key")
	}
	block, rest := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("not a PEM PRIVATE KEY")
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("data after the key")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("a %T, want an Ed25519 key", k)
	}
	return priv, nil
}

// GenerateKey creates a new Ed25519 key in dir (created 0700 if missing)
// and returns its file's path. The file, mode 0600, appears whole or not at
// all (written to a hidden temporary file, then renamed), and is named
// key-<UTC time>-<key id>.pem so that it sorts after the older keys and
// signs from the next LoadKeyRing on.
func GenerateKey(dir string) (string, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", fmt.Errorf("auth: generating a key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", fmt.Errorf("auth: encoding the key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("auth: %w", err)
	}
	name := fmt.Sprintf("key-%s-%s.pem", time.Now().UTC().Format("20060102T150405.000000000Z"),
		KeyID(priv.Public().(ed25519.PublicKey)))
	path := filepath.Join(dir, name)
	if err := writeFileAtomic(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); err != nil {
		return "", fmt.Errorf("auth: writing %s: %w", path, err)
	}
	return path, nil
}

// writeFileAtomic writes b to a new hidden file of mode 0600 beside path,
// syncs it and renames it to path.
func writeFileAtomic(path string, b []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".key-*.tmp") // mode 0600
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists", path)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync() // make the rename durable where the platform allows
		_ = d.Close()
	}
	return nil
}

// KeyIDs returns the ids of the ring's keys, oldest first: the last signs.
func (r *KeyRing) KeyIDs() []string {
	ids := make([]string, len(r.keys))
	for i, k := range r.keys {
		ids[i] = k.kid
	}
	return ids
}

// Verifier returns a Verifier trusting every key of the ring.
func (r *KeyRing) Verifier() *Verifier {
	pubs := make([]ed25519.PublicKey, len(r.keys))
	for i, k := range r.keys {
		pubs[i] = k.priv.Public().(ed25519.PublicKey)
	}
	return NewVerifier(pubs...)
}

// Issue signs an access token for p with the ring's newest key, valid from
// now for ttl (at most MaxTTL), and returns it with its claims. p must pass
// CheckPrincipal; its TokenID is ignored (a random jti is drawn).
func (r *KeyRing) Issue(p Principal, now time.Time, ttl time.Duration) (string, Claims, error) {
	c, err := newClaims(p, now, ttl)
	if err != nil {
		return "", Claims{}, err
	}
	k := r.keys[len(r.keys)-1]
	tok, err := sign(k.priv, k.kid, c)
	if err != nil {
		return "", Claims{}, err
	}
	return tok, c, nil
}
