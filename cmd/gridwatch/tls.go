package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// transport holds the flags of the connection's security.
type transport struct {
	tls        bool
	caCert     string
	cert, key  string
	serverName string
	envErr     error // a GRIDWATCH_TLS that is no boolean
}

// flags defines --tls, --ca-cert, --cert, --key and --server-name, with
// defaults from GRIDWATCH_TLS, GRIDWATCH_CA_CERT, GRIDWATCH_CERT,
// GRIDWATCH_KEY and GRIDWATCH_SERVER_NAME.
func (t *transport) flags(root *cobra.Command, getenv func(string) string) {
	fs := root.PersistentFlags()
	useTLS := false
	if v := getenv("GRIDWATCH_TLS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			t.envErr = fmt.Errorf("GRIDWATCH_TLS=%q: want true or false", v)
		}
		useTLS = b
	}
	fs.BoolVar(&t.tls, "tls", useTLS, "use TLS, trusting the system's CAs (env GRIDWATCH_TLS)")
	fs.StringVar(&t.caCert, "ca-cert", getenv("GRIDWATCH_CA_CERT"), "PEM CA certificates to trust instead of the system's; implies --tls (env GRIDWATCH_CA_CERT)")
	fs.StringVar(&t.cert, "cert", getenv("GRIDWATCH_CERT"), "PEM client certificate for mutual TLS, with --key; implies --tls (env GRIDWATCH_CERT)")
	fs.StringVar(&t.key, "key", getenv("GRIDWATCH_KEY"), "PEM private key of --cert (env GRIDWATCH_KEY)")
	fs.StringVar(&t.serverName, "server-name", getenv("GRIDWATCH_SERVER_NAME"),
		"name the server's certificate must carry, if not the --server host; implies --tls (env GRIDWATCH_SERVER_NAME)")
}

// enabled reports whether the connection uses TLS.
func (t *transport) enabled() bool {
	return t.tls || t.caCert != "" || t.cert != "" || t.key != "" || t.serverName != ""
}

// credentials returns the transport credentials the flags ask for.
func (t *transport) credentials() (credentials.TransportCredentials, error) {
	if t.envErr != nil {
		return nil, t.envErr
	}
	if !t.enabled() {
		return insecure.NewCredentials(), nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.serverName}
	if t.caCert != "" {
		pool, err := loadCAs(t.caCert)
		if err != nil {
			return nil, fmt.Errorf("--ca-cert %s: %w", t.caCert, err)
		}
		cfg.RootCAs = pool
	}
	if (t.cert == "") != (t.key == "") {
		return nil, errors.New("--cert and --key go together")
	}
	if t.cert != "" {
		pair, err := tls.LoadX509KeyPair(t.cert, t.key)
		if err != nil {
			return nil, fmt.Errorf("--cert %s, --key %s: %w", t.cert, t.key, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return credentials.NewTLS(cfg), nil
}

// loadCAs reads a PEM bundle of CA certificates.
func loadCAs(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, errors.New("no PEM certificate found")
	}
	return pool, nil
}

// warnPlainText warns on w when calls to server would cross the network
// unencrypted.
func (t *transport) warnPlainText(w io.Writer, server string) {
	if t.enabled() || isLocal(server) {
		return
	}
	fmt.Fprintf(w, "gridwatch: warning: talking to %s without TLS; use --tls or --ca-cert if it serves TLS\n", server)
}

// isLocal reports whether a gRPC target is on this machine: a Unix socket
// or a loopback host.
func isLocal(target string) bool {
	if strings.HasPrefix(target, "unix:") || strings.HasPrefix(target, "unix-abstract:") {
		return true
	}
	if i := strings.Index(target, ":///"); i >= 0 {
		target = target[i+len(":///"):]
	}
	host, _, err := net.SplitHostPort(target)
	if err != nil {
		host = target
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
