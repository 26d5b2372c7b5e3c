package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/gridwatch/gridwatch/auth"
)

// defaultDataDir is gridwatchd's default -data-dir.
const defaultDataDir = "./gridwatch-data"

// keySource is where the token commands find the signing keys.
type keySource struct {
	dataDir string
	keyFile string
}

func (k *keySource) flags(c *cobra.Command, getenv func(string) string) {
	c.Flags().StringVar(&k.dataDir, "data-dir", orDefault(getenv("GRIDWATCH_DATA_DIR"), defaultDataDir),
		"the server's data directory, whose keys/ hold the signing keys (env GRIDWATCH_DATA_DIR)")
}

// keysDir is the key directory of the data directory.
func (k *keySource) keysDir() string { return filepath.Join(k.dataDir, "keys") }

// ring loads the --key-file, or else the keys of the --data-dir.
func (k *keySource) ring() (*auth.KeyRing, error) {
	if k.keyFile != "" {
		return auth.LoadKeyFile(k.keyFile)
	}
	return auth.LoadKeyRing(k.keysDir())
}

func (a *app) tokenCmd(getenv func(string) string) *cobra.Command {
	c := &cobra.Command{
		Use:   "token",
		Short: "Issue access tokens and signing keys, offline, with the server's key files",
		Long: "Tokens are signed offline with the server's signing key: whoever may read the key files " +
			"(gridwatchd's <data-dir>/keys) can issue them. See docs/SECURITY.md.",
	}
	c.AddCommand(a.tokenIssueCmd(getenv), a.tokenKeygenCmd(getenv))
	return c
}

func (a *app) tokenIssueCmd(getenv func(string) string) *cobra.Command {
	var (
		keys         keySource
		sub, role    string
		units, grids []string
		ttl          time.Duration
	)
	c := &cobra.Command{
		Use:   "issue --sub SUBJECT --role ROLE",
		Short: "Issue an access token",
		Long: "Issue an access token signed by the newest key of --data-dir (or by --key-file) and print it; " +
			"-o json prints it with its claims. Roles and their scope: admin and volunteer take none; officer " +
			"takes --grid (optional); dispatcher and station_chief need --unit. Volunteers and officers are " +
			"responders: --sub is their responder id.",
		Example: "  export GRIDWATCH_TOKEN=$(gridwatch token issue --sub d.wang --role dispatcher --unit hp --ttl 12h)",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, ok := auth.ParseRole(role)
			if !ok {
				return fmt.Errorf("--role %q: want %s", role, roleList())
			}
			ring, err := keys.ring()
			if err != nil {
				return err
			}
			tok, claims, err := ring.Issue(auth.Principal{Subject: sub, Role: r, Units: units, Grids: grids}, time.Now(), ttl)
			if err != nil {
				return err
			}
			return a.printToken(cmd.OutOrStdout(), tok, claims)
		},
	}
	keys.flags(c, getenv)
	c.Flags().StringVar(&keys.keyFile, "key-file", "", "sign with this PKCS#8 PEM Ed25519 key file instead of --data-dir's newest key")
	c.Flags().StringVar(&sub, "sub", "", "subject: a responder id for volunteers and officers, a user name otherwise")
	c.Flags().StringVar(&role, "role", "", "role: admin, dispatcher, station_chief, officer or volunteer")
	c.Flags().StringArrayVar(&units, "unit", nil, "a unit the caller answers for (dispatcher, station_chief; repeatable)")
	c.Flags().StringArrayVar(&grids, "grid", nil, "a grid the officer answers for (repeatable)")
	c.Flags().DurationVar(&ttl, "ttl", 24*time.Hour, fmt.Sprintf("lifetime of the token (at most %v)", auth.MaxTTL))
	_ = c.MarkFlagRequired("sub")
	_ = c.MarkFlagRequired("role")
	c.MarkFlagsMutuallyExclusive("data-dir", "key-file")
	return c
}

// printToken prints tok alone, or with -o json with its claims.
func (a *app) printToken(out io.Writer, tok string, claims auth.Claims) error {
	if a.output != "json" {
		_, err := fmt.Fprintln(out, tok)
		return err
	}
	b, err := json.Marshal(struct {
		Token  string      `json:"token"`
		Claims auth.Claims `json:"claims"`
	}{tok, claims})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "%s\n", b)
	return err
}

func (a *app) tokenKeygenCmd(getenv func(string) string) *cobra.Command {
	var keys keySource
	c := &cobra.Command{
		Use:   "keygen",
		Short: "Add a new signing key to the server's key directory",
		Long: "Create a new Ed25519 signing key (mode 0600) in --data-dir's keys/. Servers sign with it " +
			"and still accept the older keys' tokens after their next restart; remove an old key's file " +
			"(and restart) to retire its tokens. See docs/SECURITY.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := auth.GenerateKey(keys.keysDir())
			if err != nil {
				return err
			}
			ring, err := auth.LoadKeyRing(keys.keysDir())
			if err != nil {
				return err
			}
			ids := ring.KeyIDs()
			if a.output == "json" {
				b, err := json.Marshal(map[string]any{"path": path, "key_ids": ids, "signing_key_id": ids[len(ids)-1]})
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", b)
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "created %s\nkeys %v; the last signs after the servers restart\n", path, ids)
			return err
		},
	}
	keys.flags(c, getenv)
	return c
}
