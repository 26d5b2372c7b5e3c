package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/api"
	"github.com/gridwatch/gridwatch/auth"
)

// testKeys is the key ring of the test servers, drawn once per test
// binary.
var testKeys = sync.OnceValue(func() *auth.KeyRing {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	r, err := auth.NewKeyRing(priv)
	if err != nil {
		panic(err)
	}
	return r
})

// tokenFor returns a token of testKeys for role.
func tokenFor(t testing.TB, role string) string {
	t.Helper()
	r, ok := auth.ParseRole(role)
	if !ok {
		t.Fatalf("role %q", role)
	}
	return issueFor(r)
}

// issueFor returns a token of testKeys, valid for a day, for the caller
// "test-<role>" in the test area: a dispatcher or station chief of the
// station hp-st, an officer of its grid hp-c (importTestScope).
func issueFor(r auth.Role) string {
	p := auth.Principal{Subject: "test-" + r.String(), Role: r}
	switch r {
	case auth.RoleDispatcher, auth.RoleStationChief:
		p.Units = []string{"hp-st"}
	case auth.RoleOfficer:
		p.Grids = []string{"hp-c"}
	}
	tok, _, err := testKeys().Issue(p, time.Now(), 24*time.Hour)
	if err != nil {
		panic(err)
	}
	return tok
}

// defaultToken is an admin's token of testKeys, the test operator: the CLI's caller in
// tests unless a test passes --token.
var defaultToken = sync.OnceValue(func() string { return issueFor(auth.RoleAdmin) })

// testGetenv is the environment of the CLI in tests: GRIDWATCH_TOKEN is
// defaultToken.
func testGetenv(k string) string {
	if k == "GRIDWATCH_TOKEN" {
		return defaultToken()
	}
	return ""
}

// runEnv runs the CLI with the environment env and no server.
func runEnv(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := realMain(context.Background(), args, &out, &errb, func(k string) string { return env[k] })
	return out.String(), err
}

func TestTokenIssue(t *testing.T) {
	data := t.TempDir()
	if _, err := auth.GenerateKey(filepath.Join(data, "keys")); err != nil {
		t.Fatal(err)
	}
	ring, err := auth.LoadKeyRing(filepath.Join(data, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "other.pem")
	other, err := auth.GenerateKey(filepath.Dir(keyFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(other, keyFile); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GRIDWATCH_DATA_DIR": data}
	tests := []struct {
		name    string
		args    []string
		want    auth.Principal
		wantErr string
	}{
		{"admin", []string{"--sub", "root", "--role", "admin"}, auth.Principal{Subject: "root", Role: auth.RoleAdmin}, ""},
		{"dispatcher", []string{"--sub", "d.wang", "--role", "dispatcher", "--unit", "hp", "--unit", "sh", "--ttl", "2h"},
			auth.Principal{Subject: "d.wang", Role: auth.RoleDispatcher, Units: []string{"hp", "sh"}}, ""},
		{"officer", []string{"--sub", "p3", "--role", "officer", "--grid", "a", "--data-dir", data},
			auth.Principal{Subject: "p3", Role: auth.RoleOfficer, Grids: []string{"a"}}, ""},
		{"volunteer", []string{"--sub", "w1", "--role", "Volunteer"}, auth.Principal{Subject: "w1"}, ""},
		{"no subject", []string{"--role", "admin"}, auth.Principal{}, "sub"},
		{"no role", []string{"--sub", "x"}, auth.Principal{}, "role"},
		{"bad role", []string{"--sub", "x", "--role", "root"}, auth.Principal{}, "--role"},
		{"dispatcher without a unit", []string{"--sub", "x", "--role", "dispatcher"}, auth.Principal{}, "units"},
		{"too long", []string{"--sub", "x", "--role", "admin", "--ttl", "9000h"}, auth.Principal{}, "lifetime"},
		{"no key", []string{"--sub", "x", "--role", "admin", "--data-dir", t.TempDir()}, auth.Principal{}, "keys"},
		{"data dir and key file", []string{"--sub", "x", "--role", "admin", "--data-dir", data, "--key-file", keyFile},
			auth.Principal{}, "key-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runEnv(t, env, append([]string{"token", "issue"}, tt.args...)...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %q, %v; want an error about %s", out, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p, err := ring.Verifier().Verify(strings.TrimSpace(out))
			if err != nil {
				t.Fatalf("the printed token %q: %v", out, err)
			}
			if p.Subject != tt.want.Subject || p.Role != tt.want.Role || strings.Join(p.Units, ",") != strings.Join(tt.want.Units, ",") ||
				strings.Join(p.Grids, ",") != strings.Join(tt.want.Grids, ",") {
				t.Errorf("token of %+v, want %+v", p, tt.want)
			}
		})
	}

	out, err := runEnv(t, nil, "token", "issue", "--sub", "root", "--role", "admin", "--key-file", keyFile, "--ttl", "1h", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		Token  string
		Claims auth.Claims
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil || js.Claims.Subject != "root" || js.Claims.Kind != "access" ||
		js.Claims.Expires-js.Claims.IssuedAt != 3600 {
		t.Fatalf("-o json printed %s (%v)", out, err)
	}
	if _, err := ring.Verifier().Verify(js.Token); err == nil {
		t.Error("a token of another key file verified with the data directory's keys")
	}
	fileRing, _ := auth.LoadKeyFile(keyFile)
	if _, err := fileRing.Verifier().Verify(js.Token); err != nil {
		t.Errorf("the --key-file token: %v", err)
	}
}

// TestTokenAgainstServer: a server over a data directory accepts the CLI's
// tokens from it and refuses calls without one; after keygen and a
// restart, both keys' tokens work.
func TestTokenAgainstServer(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"GRIDWATCH_DATA_DIR": data}
	if out, err := runEnv(t, env, "token", "keygen", "-o", "json"); err != nil || !strings.Contains(out, `"signing_key_id"`) {
		t.Fatalf("keygen: %q, %v", out, err)
	}
	serverOf := func() string {
		ring, err := auth.LoadKeyRing(filepath.Join(data, "keys"))
		if err != nil {
			t.Fatal(err)
		}
		addr, _ := startDispatchServerAuth(t, api.TokenAuth(ring.Verifier()))
		return addr
	}
	issue := func() string {
		out, err := runEnv(t, env, "token", "issue", "--sub", "root", "--role", "admin")
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(out)
	}
	first := serverOf()
	oldTok := issue()
	list := func(addr string, env map[string]string) error {
		_, err := runEnv(t, env, "grids", "list", "--server", addr)
		return err
	}
	if err := list(first, map[string]string{"GRIDWATCH_TOKEN": oldTok}); err != nil {
		t.Errorf("with the issued token: %v", err)
	}
	if err := list(first, map[string]string{"GRIDWATCH_ROLE": "admin"}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("without a token: %v, want Unauthenticated", err)
	}
	if _, err := runEnv(t, env, "token", "keygen"); err != nil {
		t.Fatal(err)
	}
	newTok := issue()
	if err := list(first, map[string]string{"GRIDWATCH_TOKEN": newTok}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("the new key's token before a restart: %v, want Unauthenticated", err)
	}
	second := serverOf()
	for name, tok := range map[string]string{"old": oldTok, "new": newTok} {
		if _, err := runEnv(t, nil, "grids", "list", "--server", second, "--token", tok); err != nil {
			t.Errorf("the %s key's token after the restart: %v", name, err)
		}
	}
}
