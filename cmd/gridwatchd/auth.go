package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gridwatch/gridwatch/api"
	"github.com/gridwatch/gridwatch/auth"
)

// firstAdminTTL is the lifetime of the admin token printed at the first
// start.
const firstAdminTTL = 30 * 24 * time.Hour

// firstAdminSubject is the subject of that token.
const firstAdminSubject = "admin"

// authConfig is what gridwatchd is told about authentication.
type authConfig struct {
	Mode    string // on or off
	DataDir string // keys in DataDir/keys
}

// authFlags defines the flags of authentication.
func authFlags(fs *flag.FlagSet, c *authConfig) {
	fs.StringVar(&c.Mode, "auth", "on", "authentication: on (bearer tokens signed by the keys in <data-dir>/keys) "+
		"or off (local experiments only: callers assert their role)")
	fs.StringVar(&c.DataDir, "data-dir", "./gridwatch-data", "directory of the server's own files: the token signing keys in keys/")
}

// check validates c.
func (c authConfig) check() error {
	if c.Mode != "on" && c.Mode != "off" {
		return fmt.Errorf("-auth %q: want on or off", c.Mode)
	}
	if c.Mode == "on" && c.DataDir == "" {
		return errors.New("-data-dir: want a directory for the signing keys")
	}
	return nil
}

// keysDir is where the signing keys are.
func (c authConfig) keysDir() string { return filepath.Join(c.DataDir, "keys") }

// setupAuth returns the API's authentication. Off, it logs a warning. On,
// it loads the key ring of the data directory; when there is no key yet it
// creates one and writes an admin token to out, once: it is never logged.
func setupAuth(c authConfig, log *slog.Logger, out io.Writer) (api.Authentication, error) {
	if c.Mode == "off" {
		log.Warn("authentication is OFF: every caller is whoever it says it is (x-gridwatch-role, admin by default); " +
			"never run like this outside a local experiment")
		return api.AuthOff(), nil
	}
	dir := c.keysDir()
	ring, err := auth.LoadKeyRing(dir)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, auth.ErrNoKeys) {
		ring, err = firstKey(c, log, out)
	}
	if err != nil {
		return api.Authentication{}, fmt.Errorf("authentication: %w", err)
	}
	ids := ring.KeyIDs()
	log.Info("authentication on", "keys", dir, "key_ids", ids, "signing_key_id", ids[len(ids)-1])
	return api.TokenAuth(ring.Verifier()), nil
}

// firstKey creates the first signing key of c's data directory and writes
// an admin token of it to out.
func firstKey(c authConfig, log *slog.Logger, out io.Writer) (*auth.KeyRing, error) {
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, err
	}
	path, err := auth.GenerateKey(c.keysDir())
	if err != nil {
		return nil, err
	}
	log.Info("created a token signing key", "path", path)
	ring, err := auth.LoadKeyRing(c.keysDir())
	if err != nil {
		return nil, err
	}
	tok, claims, err := ring.Issue(auth.Principal{Subject: firstAdminSubject, Role: auth.RoleAdmin}, time.Now(), firstAdminTTL)
	if err != nil {
		return nil, err
	}
	_, err = fmt.Fprintf(out, `
gridwatchd: created the token signing key %s.
gridwatchd: here is an admin token, shown this once; keep it secret. It expires %s.
gridwatchd: issue others with: gridwatch token issue --data-dir %s --sub NAME --role ROLE

export GRIDWATCH_TOKEN=%s

`, path, time.Unix(claims.Expires, 0).UTC().Format(time.RFC3339), c.DataDir, tok)
	return ring, err
}
