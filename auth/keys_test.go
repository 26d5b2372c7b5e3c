package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestKeyID(t *testing.T) {
	id := kidOf(newKey)
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{16}$`).MatchString(id) {
		t.Errorf("KeyID = %q, want 16 base64url characters", id)
	}
	if id == kidOf(oldKey) {
		t.Error("two keys share a key id")
	}
}

func TestGenerateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	first, err := GenerateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	second, err := GenerateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, first, second} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		want := fs.FileMode(0o600)
		if st.IsDir() {
			want = 0o700
		}
		if runtime.GOOS != "windows" && st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, st.Mode().Perm(), want)
		}
	}
	if filepath.Base(second) <= filepath.Base(first) {
		t.Errorf("the newer key %s sorts before %s", second, first)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("the key directory holds %d files, want 2 (no temporary file left)", len(entries))
	}
	r, err := LoadKeyRing(dir)
	if err != nil {
		t.Fatal(err)
	}
	ids := r.KeyIDs()
	if len(ids) != 2 || !strings.HasSuffix(second, ids[1]+".pem") {
		t.Errorf("KeyIDs = %v; want the second key (%s) last, signing", ids, second)
	}
}

// TestRotation: a token of the old key verifies while its file stays, and
// stops verifying once the file is gone; the new key signs.
func TestRotation(t *testing.T) {
	dir := t.TempDir()
	if _, err := GenerateKey(dir); err != nil {
		t.Fatal(err)
	}
	r1, err := LoadKeyRing(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := Principal{Subject: "admin", Role: RoleAdmin}
	oldTok, _, err := r1.Issue(p, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	newPath, err := GenerateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := LoadKeyRing(dir)
	if err != nil {
		t.Fatal(err)
	}
	newTok, _, _ := r2.Issue(p, time.Now(), time.Hour)
	for name, tok := range map[string]string{"old": oldTok, "new": newTok} {
		if _, err := r2.Verifier().Verify(tok); err != nil {
			t.Errorf("%s token with both keys: %v", name, err)
		}
	}
	if _, err := r1.Verifier().Verify(newTok); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("new token on a server that has not loaded the new key: %v, want ErrUnauthenticated", err)
	}
	for _, e := range mustReadDir(t, dir) {
		if filepath.Join(dir, e.Name()) != newPath {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	r3, err := LoadKeyRing(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r3.Verifier().Verify(oldTok); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("old token after its key file is removed: %v, want ErrUnauthenticated", err)
	}
	if _, err := r3.Verifier().Verify(newTok); err != nil {
		t.Errorf("new token: %v", err)
	}
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	e, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestLoadKeyRing(t *testing.T) {
	good := pemOf(t, newKey)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ecKey)
	ec := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
	type file struct {
		name, data string
		mode       fs.FileMode
	}
	tests := []struct {
		name    string
		files   []file
		wantIDs []string
		wantErr error // nil: any error when wantIDs is nil
	}{
		{"one key", []file{{"a.pem", good, 0o600}}, []string{kidOf(newKey)}, nil},
		{"read-only key", []file{{"a.pem", good, 0o400}}, []string{kidOf(newKey)}, nil},
		{"last name signs", []file{{"b.pem", pemOf(t, oldKey), 0o600}, {"a.pem", good, 0o600}},
			[]string{kidOf(newKey), kidOf(oldKey)}, nil},
		{"other files skipped", []file{{"a.pem", good, 0o600}, {"README", "x", 0o644}, {".a.pem", "junk", 0o600},
			{".key-1.tmp", "junk", 0o600}}, []string{kidOf(newKey)}, nil},
		{"the same key twice", []file{{"a.pem", good, 0o600}, {"b.pem", good, 0o600}}, []string{kidOf(newKey)}, nil},
		{"empty", nil, nil, ErrNoKeys},
		{"no key file", []file{{"key.txt", good, 0o600}}, nil, ErrNoKeys},
		{"group-readable", []file{{"a.pem", good, 0o640}}, nil, nil},
		{"world-readable", []file{{"a.pem", good, 0o644}}, nil, nil},
		{"not PEM", []file{{"a.pem", "junk", 0o600}}, nil, nil},
		{"an ECDSA key", []file{{"a.pem", ec, 0o600}}, nil, nil},
		{"two keys in one file", []file{{"a.pem", good + good, 0o600}}, nil, nil},
		{"public key", []file{{"a.pem", strings.ReplaceAll(good, "PRIVATE", "PUBLIC"), 0o600}}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				p := filepath.Join(dir, f.name)
				if err := os.WriteFile(p, []byte(f.data), f.mode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(p, f.mode); err != nil { // past the umask
					t.Fatal(err)
				}
			}
			r, err := LoadKeyRing(dir)
			if tt.wantIDs != nil {
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(r.KeyIDs(), tt.wantIDs) {
					t.Errorf("KeyIDs = %v, want %v", r.KeyIDs(), tt.wantIDs)
				}
				return
			}
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("LoadKeyRing = %v, want error %v", err, tt.wantErr)
			}
		})
	}
	if _, err := LoadKeyRing(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing directory: %v, want fs.ErrNotExist", err)
	}
}

func TestLoadKeyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "k.pem")
	if err := os.WriteFile(p, []byte(pemOf(t, oldKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := LoadKeyFile(p)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := r.Issue(Principal{Subject: "admin", Role: RoleAdmin}, testNow, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := testRing(t).Verifier().VerifyAt(tok, testNow); err != nil {
		t.Errorf("a token of the key file on a ring holding it: %v", err)
	}
}

// pemOf returns k as PKCS#8 PEM.
func pemOf(t *testing.T, k any) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}
