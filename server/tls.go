package server

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"
)

// ClientAuth is how a TLS server treats client certificates.
type ClientAuth int

// The client certificate modes.
const (
	// ClientAuthOff asks for no client certificate.
	ClientAuthOff ClientAuth = iota
	// ClientAuthOptional asks for one and verifies it against the client CA
	// when the client presents one; clients without one are let in.
	ClientAuthOptional
	// ClientAuthRequire refuses the handshake of a client that presents no
	// certificate signed by the client CA (mutual TLS).
	ClientAuthRequire
)

var clientAuthNames = [...]string{"off", "optional", "require"}

// String returns off, optional or require.
func (a ClientAuth) String() string {
	if a < 0 || int(a) >= len(clientAuthNames) {
		return fmt.Sprintf("ClientAuth(%d)", int(a))
	}
	return clientAuthNames[a]
}

// ParseClientAuth parses off, optional or require.
func ParseClientAuth(s string) (ClientAuth, error) {
	for i, name := range clientAuthNames {
		if s == name {
			return ClientAuth(i), nil
		}
	}
	return 0, fmt.Errorf("client auth %q: want off, optional or require", s)
}

// tlsMode maps a to crypto/tls.
func (a ClientAuth) tlsMode() tls.ClientAuthType {
	switch a {
	case ClientAuthOptional:
		return tls.VerifyClientCertIfGiven
	case ClientAuthRequire:
		return tls.RequireAndVerifyClientCert
	}
	return tls.NoClientCert
}

// TLSConfig names the files of TLS. With no CertFile the server speaks
// plain text.
type TLSConfig struct {
	// CertFile is the PEM server certificate, followed by any intermediate
	// certificates; KeyFile its PEM private key. Both are read again when
	// either file's modification time or size changes, so a renewed
	// certificate needs no restart.
	CertFile, KeyFile string
	// ClientCAFile is the PEM bundle of the CAs that sign client
	// certificates, required unless ClientAuth is ClientAuthOff. It is
	// reloaded like the certificate.
	ClientCAFile string
	// ClientAuth is whether clients must present a certificate.
	ClientAuth ClientAuth
}

// Enabled reports whether the server speaks TLS.
func (c TLSConfig) Enabled() bool { return c.CertFile != "" }

// Check checks that the settings agree with each other and that the files
// load. A file that cannot be used is reported as a *TLSFileError.
func (c TLSConfig) Check() error {
	if err := c.validate(); err != nil {
		return err
	}
	if !c.Enabled() {
		return nil
	}
	_, err := loadTLS(c, tlsStamps{})
	return err
}

// validate checks the settings without reading the files.
func (c TLSConfig) validate() error {
	switch {
	case c.ClientAuth < ClientAuthOff || c.ClientAuth > ClientAuthRequire:
		return fmt.Errorf("TLS: unknown %v", c.ClientAuth)
	case !c.Enabled() && (c.KeyFile != "" || c.ClientCAFile != "" || c.ClientAuth != ClientAuthOff):
		return errors.New("TLS: a key, client CA or client auth mode without a certificate")
	case c.Enabled() && c.KeyFile == "":
		return &TLSFileError{Field: "KeyFile", Err: errors.New("a certificate needs its private key")}
	case c.ClientAuth != ClientAuthOff && c.ClientCAFile == "":
		return &TLSFileError{Field: "ClientCAFile", Err: fmt.Errorf("client auth %v needs the client CA", c.ClientAuth)}
	case c.ClientAuth == ClientAuthOff && c.ClientCAFile != "":
		return errors.New("TLS: a client CA with client auth off")
	}
	return nil
}

// TLSFileError is a TLS file that cannot be used.
type TLSFileError struct {
	Field string // the TLSConfig field: CertFile, KeyFile or ClientCAFile
	Path  string
	Err   error
}

func (e *TLSFileError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("TLS %s: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("TLS %s %s: %v", e.Field, e.Path, e.Err)
}

func (e *TLSFileError) Unwrap() error { return e.Err }

// tls12Suites are the TLS 1.2 cipher suites offered: forward secret
// key exchange and AEAD only. TLS 1.3 suites are not configurable and all
// qualify.
var tls12Suites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// ALPN protocol names.
const (
	alpnH2    = "h2"
	alpnHTTP1 = "http/1.1"
)

// fileStamp tells whether a file changed: modification time and size.
type fileStamp struct {
	modNanos int64
	size     int64
}

// tlsStamps are the stamps of the certificate, key and client CA files.
type tlsStamps [3]fileStamp

// statTLS stamps the files of c.
func statTLS(c TLSConfig) (tlsStamps, error) {
	var st tlsStamps
	for i, path := range []string{c.CertFile, c.KeyFile, c.ClientCAFile} {
		if path == "" {
			continue
		}
		fi, err := os.Stat(path)
		if err != nil {
			return st, err
		}
		st[i] = fileStamp{modNanos: fi.ModTime().UnixNano(), size: fi.Size()}
	}
	return st, nil
}

// tlsState is one loaded set of TLS files: the tls.Config handshakes use.
type tlsState struct {
	stamps tlsStamps
	config *tls.Config
	leaf   *x509.Certificate
}

// loadTLS reads the files of c, stamped st before reading, into a state.
func loadTLS(c TLSConfig, st tlsStamps) (*tlsState, error) {
	certPEM, err := os.ReadFile(c.CertFile)
	if err != nil {
		return nil, &TLSFileError{Field: "CertFile", Path: c.CertFile, Err: err}
	}
	keyPEM, err := os.ReadFile(c.KeyFile)
	if err != nil {
		return nil, &TLSFileError{Field: "KeyFile", Path: c.KeyFile, Err: err}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, keyPairError(c, err)
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		CipherSuites: tls12Suites,
		NextProtos:   []string{alpnH2, alpnHTTP1},
		ClientAuth:   c.ClientAuth.tlsMode(),
	}
	if c.ClientCAFile != "" {
		if cfg.ClientCAs, err = loadPool(c.ClientCAFile); err != nil {
			return nil, &TLSFileError{Field: "ClientCAFile", Path: c.ClientCAFile, Err: err}
		}
	}
	leaf := cert.Leaf
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return nil, &TLSFileError{Field: "CertFile", Path: c.CertFile, Err: err}
		}
	}
	return &tlsState{stamps: st, config: cfg, leaf: leaf}, nil
}

// keyPairError blames the file tls.X509KeyPair's error is about: the
// certificate file if it holds no certificate, else the key file.
func keyPairError(c TLSConfig, err error) error {
	b, rerr := os.ReadFile(c.CertFile)
	if rerr != nil {
		return &TLSFileError{Field: "CertFile", Path: c.CertFile, Err: rerr}
	}
	if _, perr := parsePEMCerts(b); perr != nil {
		return &TLSFileError{Field: "CertFile", Path: c.CertFile, Err: perr}
	}
	return &TLSFileError{Field: "KeyFile", Path: c.KeyFile, Err: err}
}

// parsePEMCerts parses every CERTIFICATE block of b; there must be one.
func parsePEMCerts(b []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no PEM certificate found")
	}
	return certs, nil
}

// loadPool reads a PEM bundle of CA certificates.
func loadPool(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	certs, err := parsePEMCerts(b)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// checkExpiry returns an error when leaf is outside its validity period.
func checkExpiry(leaf *x509.Certificate, now time.Time) error {
	switch {
	case leaf == nil:
		return nil
	case now.After(leaf.NotAfter):
		return fmt.Errorf("certificate expired at %s", leaf.NotAfter.UTC().Format(time.RFC3339))
	case now.Before(leaf.NotBefore):
		return fmt.Errorf("certificate not valid before %s", leaf.NotBefore.UTC().Format(time.RFC3339))
	}
	return nil
}
