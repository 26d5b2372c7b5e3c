package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/gridwatch/gridwatch/server"
)

// tlsFlagNames names the flag of each server.TLSConfig field.
var tlsFlagNames = map[string]string{
	"CertFile":     "-tls-cert",
	"KeyFile":      "-tls-key",
	"ClientCAFile": "-tls-client-ca",
}

// tlsFlags defines the TLS flags, writing the files to c; it returns the
// client auth mode, which checkTLS parses.
func tlsFlags(fs *flag.FlagSet, c *server.TLSConfig) *string {
	fs.StringVar(&c.CertFile, "tls-cert", "", "PEM server certificate (and intermediates) for TLS; "+
		"unset: plain text; reloaded when the file changes")
	fs.StringVar(&c.KeyFile, "tls-key", "", "PEM private key of -tls-cert")
	fs.StringVar(&c.ClientCAFile, "tls-client-ca", "", "PEM bundle of the CAs that sign client certificates (mutual TLS)")
	return fs.String("tls-client-auth", "", "client certificates: off, optional (verified if presented) or require; "+
		"default require with -tls-client-ca, else off")
}

// checkTLS sets c's client auth mode from auth and checks that the flags
// agree and the files load, naming the flag at fault.
func checkTLS(c *server.TLSConfig, auth string) error {
	switch {
	case auth == "" && c.ClientCAFile != "":
		c.ClientAuth = server.ClientAuthRequire
	case auth != "":
		mode, err := server.ParseClientAuth(auth)
		if err != nil {
			return fmt.Errorf("-tls-client-auth %q: want off, optional or require", auth)
		}
		c.ClientAuth = mode
	}
	switch {
	case !c.Enabled() && (c.KeyFile != "" || c.ClientCAFile != "" || c.ClientAuth != server.ClientAuthOff):
		return errors.New("-tls-key, -tls-client-ca and -tls-client-auth need -tls-cert")
	case c.ClientAuth == server.ClientAuthOff && c.ClientCAFile != "":
		return errors.New("-tls-client-ca with -tls-client-auth off: drop one of them")
	}
	err := c.Check()
	var fe *server.TLSFileError
	if errors.As(err, &fe) {
		if fe.Path == "" {
			return fmt.Errorf("%s: %w", tlsFlagNames[fe.Field], fe.Err)
		}
		return fmt.Errorf("%s %s: %w", tlsFlagNames[fe.Field], fe.Path, fe.Err)
	}
	return err
}
