package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// tlsFiles serves the TLS files of a TLSConfig to handshakes, reading them
// again when they change. Each handshake stats the files (a few
// microseconds, against the milliseconds of the handshake itself); a set of
// files that fails to load is logged once and the previous one kept, so a
// rotation caught half-written goes unnoticed by clients.
type tlsFiles struct {
	cfg TLSConfig
	log *slog.Logger
	cur atomic.Pointer[tlsState]

	mu     sync.Mutex // serialises reloads
	failed tlsStamps  // stamps of the last set that failed to load
}

// newTLSFiles loads the files of cfg, which must be enabled.
func newTLSFiles(cfg TLSConfig, log *slog.Logger) (*tlsFiles, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	st, err := statTLS(cfg)
	if err != nil {
		return nil, fmt.Errorf("TLS: %w", err)
	}
	state, err := loadTLS(cfg, st)
	if err != nil {
		return nil, err
	}
	f := &tlsFiles{cfg: cfg, log: log}
	f.cur.Store(state)
	f.logLoaded("TLS certificate loaded", state)
	return f, nil
}

// current returns the loaded state, reloading the files first if they
// changed.
func (f *tlsFiles) current() *tlsState {
	cur := f.cur.Load()
	st, err := statTLS(f.cfg)
	if err != nil || st == cur.stamps {
		return cur // a file missing for a moment during a rotation
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if cur = f.cur.Load(); st == cur.stamps || st == f.failed {
		return cur
	}
	next, err := loadTLS(f.cfg, st)
	if err != nil {
		f.failed = st
		f.log.Warn("TLS files changed but do not load; still serving the previous certificate", "error", err)
		return cur
	}
	f.cur.Store(next)
	f.logLoaded("TLS certificate reloaded", next)
	return next
}

func (f *tlsFiles) logLoaded(msg string, s *tlsState) {
	f.log.Info(msg, "subject", s.leaf.Subject.String(), "not_after", s.leaf.NotAfter.UTC().Format(time.RFC3339),
		"client_auth", f.cfg.ClientAuth.String())
	if err := checkExpiry(s.leaf, time.Now()); err != nil {
		f.log.Warn("TLS certificate outside its validity period; clients will refuse it", "error", err)
	}
}

// serverConfig is the tls.Config of the listener: every handshake gets the
// current state's config, and the connection learns whether its client
// offered HTTP/1.1.
func (f *tlsFiles) serverConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			if c, ok := hello.Conn.(*helloConn); ok {
				c.offersHTTP1 = slices.Contains(hello.SupportedProtos, alpnHTTP1)
			}
			return f.current().config, nil
		},
	}
}

// helloConn is a raw connection under TLS that remembers what its client
// offered in ALPN. It is written and read by the handshaking goroutine only.
type helloConn struct {
	net.Conn
	offersHTTP1 bool
}

// handshake runs the TLS handshake of c within timeout and tells where the
// connection goes. gRPC clients offer only h2 in ALPN and go to the native
// gRPC transport; browsers and other HTTP clients offer http/1.1 too and go
// to the HTTP server, over HTTP/2 or HTTP/1.1 as negotiated.
func handshake(c net.Conn, cfg *tls.Config, timeout time.Duration) (net.Conn, bool, error) {
	hc := &helloConn{Conn: c}
	tc := tls.Server(hc, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		answerPlainHTTP(err)
		return nil, false, fmt.Errorf("TLS handshake: %w", err)
	}
	isGRPC := tc.ConnectionState().NegotiatedProtocol == alpnH2 && !hc.offersHTTP1
	return tc, isGRPC, nil
}

// answerPlainHTTP tells a plain-text HTTP client that it reached a TLS port,
// as net/http does, when err says that the first bytes looked like HTTP.
func answerPlainHTTP(err error) {
	var re tls.RecordHeaderError
	if !errors.As(err, &re) || re.Conn == nil || !looksLikeHTTP(re.RecordHeader[:]) {
		return
	}
	_ = re.Conn.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = io.WriteString(re.Conn, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to a TLS port: use https.\n")
}

// looksLikeHTTP reports whether the first five bytes of a connection look
// like a plain-text HTTP/1.x request.
func looksLikeHTTP(hdr []byte) bool {
	switch string(hdr) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO", "DELET", "PATCH":
		return true
	}
	return false
}
