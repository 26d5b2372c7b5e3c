package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gridwatch/gridwatch/auth"
)

// tokenLine is the line of the admin token gridwatchd prints once.
var tokenLine = regexp.MustCompile(`(?m)^export GRIDWATCH_TOKEN=(\S+)$`)

// TestSetupAuthFirstStart: the first start creates a key and prints an
// admin token of it, never logged; the next start prints nothing and
// verifies that token.
func TestSetupAuthFirstStart(t *testing.T) {
	c := authConfig{Mode: "on", DataDir: filepath.Join(t.TempDir(), "data")}
	var out, logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	if _, err := setupAuth(c, log, &out); err != nil {
		t.Fatal(err)
	}
	m := tokenLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no token printed:\n%s", out.String())
	}
	if strings.Contains(logs.String(), m[1]) {
		t.Error("the admin token was logged")
	}
	ring, err := auth.LoadKeyRing(c.keysDir())
	if err != nil {
		t.Fatal(err)
	}
	p, err := ring.Verifier().Verify(m[1])
	if err != nil || p.Role != auth.RoleAdmin || p.Subject != "admin" {
		t.Errorf("the printed token: %+v, %v; want an admin's", p, err)
	}
	out.Reset()
	a, err := setupAuth(c, log, &out)
	if err != nil || a.Off() {
		t.Fatalf("second start: %v, off %v", err, a.Off())
	}
	if out.Len() != 0 {
		t.Errorf("second start printed %q", out.String())
	}
	if len(ring.KeyIDs()) != 1 {
		t.Errorf("%d keys, want 1", len(ring.KeyIDs()))
	}
}

func TestSetupAuth(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	a, err := setupAuth(authConfig{Mode: "off"}, log, os.Stderr)
	if err != nil || !a.Off() {
		t.Fatalf("off: %v, %v", a, err)
	}
	if !strings.Contains(logs.String(), `"level":"WARN"`) || !strings.Contains(logs.String(), "authentication is OFF") {
		t.Errorf("off logged %s, want a warning", logs.String())
	}
	c := authConfig{Mode: "on", DataDir: t.TempDir()}
	path, err := auth.GenerateKey(c.keysDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := setupAuth(c, log, &out); err == nil || out.Len() != 0 {
		t.Errorf("a world-readable key: %v, printed %q; want an error and nothing printed", err, out.String())
	}
}
