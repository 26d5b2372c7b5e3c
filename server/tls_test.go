package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/gridwatch/gridwatch/internal/tlstest"
)

// tlsEnv is a Server serving TLS, with the CA that signed its certificate
// and, for mutual TLS, the CA of its clients.
type tlsEnv struct {
	*env
	ca       *tlstest.CA // signs the server certificate
	clientCA *tlstest.CA
	pair     tlstest.Pair // the server certificate's files
}

// startTLS runs a Server with the probe service and the test gateway over
// TLS, asking for client certificates as auth says.
func startTLS(t *testing.T, auth ClientAuth) *tlsEnv {
	t.Helper()
	te := &tlsEnv{ca: tlstest.NewCA(t, "server CA"), clientCA: tlstest.NewCA(t, "client CA")}
	te.pair = te.ca.Server(t, "gridwatchd")
	cfg := TLSConfig{CertFile: te.pair.CertFile, KeyFile: te.pair.KeyFile, ClientAuth: auth}
	if auth != ClientAuthOff {
		cfg.ClientCAFile = te.clientCA.File
	}
	te.env = start(t, Config{TLS: cfg, ReadyInterval: 20 * time.Millisecond}, Registrar{Gateway: testGateway})
	return te
}

// clientTLS is a client's TLS config trusting ca, presenting cert if any
// even when the server names other CAs (crypto/tls would send none).
func clientTLS(ca *tlstest.CA, cert *tls.Certificate) *tls.Config {
	cfg := &tls.Config{RootCAs: ca.Pool, MinVersion: tls.VersionTLS12}
	if cert != nil {
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	}
	return cfg
}

// dialTLS is a gRPC client over TLS, closed when t ends.
func dialTLS(t *testing.T, addr string, cfg *tls.Config) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(credentials.NewTLS(cfg)))
	if err != nil {
		t.Fatalf("grpc.NewClient: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// httpsClient offers HTTP/2 and HTTP/1.1, as browsers do, when h2, else
// HTTP/1.1 only.
func httpsClient(t *testing.T, cfg *tls.Config, h2 bool) *http.Client {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: cfg, Protocols: new(http.Protocols)}
	tr.Protocols.SetHTTP1(true)
	tr.Protocols.SetHTTP2(h2)
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// peerName calls the probe's Peer: the common name of the verified client
// certificate the server saw, or "".
func peerName(ctx context.Context, conn *grpc.ClientConn) (string, error) {
	var out wrapperspb.StringValue
	err := conn.Invoke(ctx, probePeer, &emptypb.Empty{}, &out)
	return out.GetValue(), err
}

func TestTLSGRPC(t *testing.T) {
	te := startTLS(t, ClientAuthOff)
	conn := dialTLS(t, te.addr, clientTLS(te.ca, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health over TLS = %v, %v; want SERVING", resp, err)
	}
	var echo wrapperspb.StringValue
	if err := conn.Invoke(ctx, probeEcho, wrapperspb.String("sealed"), &echo); err != nil || echo.GetValue() != "sealed" {
		t.Errorf("Echo over TLS = %q, %v", echo.GetValue(), err)
	}
	if name, err := peerName(ctx, conn); err != nil || name != "" {
		t.Errorf("client certificate without mutual TLS = %q, %v; want none", name, err)
	}
}

func TestTLSHTTP(t *testing.T) {
	te := startTLS(t, ClientAuthOff)
	for _, h2 := range []bool{false, true} {
		client := httpsClient(t, clientTLS(te.ca, nil), h2)
		wantProto := map[bool]int{false: 1, true: 2}[h2]
		t.Run(map[bool]string{false: "HTTP/1.1", true: "HTTP/2"}[h2], func(t *testing.T) {
			tests := []struct{ method, path, body, want string }{
				{"GET", "/healthz", "", "ok"},
				{"GET", "/readyz", "", "ok"},
				{"GET", "/metrics", "", "# HELP"},
				{"POST", "/v1/echo", `"hello"`, `"hello"`},
				{"POST", "/v1/health/check", `{"service":""}`, `{"status":"SERVING"}`},
			}
			for _, tt := range tests {
				req, err := http.NewRequest(tt.method, "https://"+te.addr+tt.path, strings.NewReader(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatalf("%s %s: %v", tt.method, tt.path, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || resp.ProtoMajor != wantProto || !strings.Contains(string(body), tt.want) {
					t.Errorf("%s %s = %s %d %.80s, want HTTP/%d 200 with %q", tt.method, tt.path, resp.Proto,
						resp.StatusCode, body, wantProto, tt.want)
				}
			}
			checkNDJSONStream(t, client, "https://"+te.addr)
		})
	}
}

// checkNDJSONStream reads the first line of the gateway's health watch.
func checkNDJSONStream(t *testing.T, client *http.Client, base string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/v1/health/watch", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET /v1/health/watch: %v", err)
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if got, want := strings.TrimSpace(line), `{"result":{"status":"SERVING"}}`; err != nil || got != want {
		t.Errorf("stream over %s: first line %q (%v), want %s", resp.Proto, got, err, want)
	}
}

func TestTLSRefusesPlainText(t *testing.T) {
	te := startTLS(t, ClientAuthOff)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := healthpb.NewHealthClient(te.conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if got := status.Code(err); got != codes.Unavailable {
		t.Errorf("plain-text gRPC to a TLS port: %v, want Unavailable", err)
	}
	code, body := httpGet(t, "http://"+te.addr+"/healthz")
	if code != http.StatusBadRequest || !strings.Contains(body, "https") {
		t.Errorf("plain-text HTTP to a TLS port = %d %q, want 400 saying to use https", code, body)
	}
	if got := te.healthStatusTLS(t); got != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("after plain-text clients, health over TLS = %v", got)
	}
}

// healthStatusTLS asks the server's health over a new TLS connection.
func (te *tlsEnv) healthStatusTLS(t *testing.T) healthpb.HealthCheckResponse_ServingStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(dialTLS(t, te.addr, clientTLS(te.ca, nil))).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatalf("health over TLS: %v", err)
	}
	return resp.GetStatus()
}

func TestTLSVersionsAndSuites(t *testing.T) {
	te := startTLS(t, ClientAuthOff)
	tests := []struct {
		name        string
		min, max    uint16
		suites      []uint16
		wantVersion uint16 // 0: the handshake must fail
	}{
		{"default is TLS 1.3", tls.VersionTLS12, 0, nil, tls.VersionTLS13},
		{"TLS 1.2 with AEAD", tls.VersionTLS12, tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}, tls.VersionTLS12},
		{"TLS 1.2 with CBC only", tls.VersionTLS12, tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}, 0},
		{"TLS 1.1", tls.VersionTLS10, tls.VersionTLS11, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := clientTLS(te.ca, nil)
			cfg.MinVersion, cfg.MaxVersion, cfg.CipherSuites = tt.min, tt.max, tt.suites
			c, err := tls.Dial("tcp", te.addr, cfg)
			if tt.wantVersion == 0 {
				if err == nil {
					c.Close()
					t.Fatal("handshake succeeded, want it refused")
				}
				return
			}
			if err != nil {
				t.Fatalf("handshake: %v", err)
			}
			defer c.Close()
			if got := c.ConnectionState().Version; got != tt.wantVersion {
				t.Errorf("version = %s, want %s", tls.VersionName(got), tls.VersionName(tt.wantVersion))
			}
		})
	}
}

func TestMutualTLS(t *testing.T) {
	for _, auth := range []ClientAuth{ClientAuthRequire, ClientAuthOptional} {
		t.Run(auth.String(), func(t *testing.T) {
			te := startTLS(t, auth)
			good := te.clientCA.Client(t, "field-device-7").Cert
			stranger := tlstest.NewCA(t, "someone else's CA").Client(t, "intruder").Cert
			tests := []struct {
				name     string
				cert     *tls.Certificate
				wantOK   bool
				wantPeer string
			}{
				{"no certificate", nil, auth == ClientAuthOptional, ""},
				{"certificate from another CA", &stranger, false, ""},
				{"certificate from the client CA", &good, true, "field-device-7"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					checkMutualGRPC(t, te, tt.cert, tt.wantOK, tt.wantPeer)
					checkMutualHTTP(t, te, tt.cert, tt.wantOK)
				})
			}
		})
	}
}

// checkMutualGRPC calls Peer with cert: it must fail with Unavailable
// unless wantOK, and then see wantPeer.
func checkMutualGRPC(t *testing.T, te *tlsEnv, cert *tls.Certificate, wantOK bool, wantPeer string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	name, err := peerName(ctx, dialTLS(t, te.addr, clientTLS(te.ca, cert)))
	switch {
	case !wantOK && status.Code(err) != codes.Unavailable:
		t.Errorf("gRPC: got %q, %v; want Unavailable", name, err)
	case wantOK && (err != nil || name != wantPeer):
		t.Errorf("gRPC: client certificate seen as %q (%v), want %q", name, err, wantPeer)
	}
}

// checkMutualHTTP checks /healthz and a gateway call over HTTP/2 and
// HTTP/1.1 with cert: both succeed if wantOK, else fail.
func checkMutualHTTP(t *testing.T, te *tlsEnv, cert *tls.Certificate, wantOK bool) {
	t.Helper()
	for _, h2 := range []bool{false, true} {
		client := httpsClient(t, clientTLS(te.ca, cert), h2)
		for _, path := range []string{"/healthz", "/v1/echo"} {
			resp, err := client.Post("https://"+te.addr+path, "application/json", strings.NewReader(`"x"`))
			if path == "/healthz" {
				resp, err = client.Get("https://" + te.addr + path)
			}
			if err == nil {
				resp.Body.Close()
			}
			if ok := err == nil && resp.StatusCode == http.StatusOK; ok != wantOK {
				t.Errorf("HTTP (h2 %v) %s: %v, %v; want success %v", h2, path, resp, err, wantOK)
			}
		}
	}
}

func TestGRPCClientOfferingHTTP1(t *testing.T) {
	te := startTLS(t, ClientAuthRequire)
	cert := te.clientCA.Client(t, "dual-stack").Cert
	cfg := clientTLS(te.ca, &cert)
	cfg.NextProtos = []string{"http/1.1"} // grpc-go adds h2
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	name, err := peerName(ctx, dialTLS(t, te.addr, cfg))
	if err != nil || name != "dual-stack" {
		t.Errorf("gRPC from a client offering http/1.1: %q, %v; want the call served, seeing dual-stack", name, err)
	}
}

func TestTLSRotation(t *testing.T) {
	te := startTLS(t, ClientAuthRequire)
	client := te.clientCA.Client(t, "device").Cert
	serverName := func() string {
		t.Helper()
		c, err := tls.Dial("tcp", te.addr, clientTLS(te.ca, &client))
		if err != nil {
			t.Fatalf("handshake: %v", err)
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	if got := serverName(); got != "gridwatchd" {
		t.Fatalf("server certificate %q, want gridwatchd", got)
	}
	next := te.ca.Server(t, "gridwatchd renewed")
	replaceFile(t, te.pair.KeyFile, next.KeyFile)
	replaceFile(t, te.pair.CertFile, next.CertFile)
	if got := serverName(); got != "gridwatchd renewed" {
		t.Errorf("after rotation, server certificate %q, want gridwatchd renewed", got)
	}
	writeFile(t, te.pair.CertFile, []byte("half written"))
	if got := serverName(); got != "gridwatchd renewed" {
		t.Errorf("with a broken certificate file, server certificate %q, want the previous one", got)
	}
	if n := len(te.logs.records(t, "level", "WARN")); n != 1 {
		t.Errorf("%d warnings about the broken file, want 1", n)
	}
	replaceFile(t, te.pair.CertFile, next.CertFile)
	// A new client CA: the old CA's devices are refused, the new one's let in.
	ca2 := tlstest.NewCA(t, "client CA 2")
	replaceFile(t, te.clientCA.File, ca2.File)
	newDevice := ca2.Client(t, "new device").Cert
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := peerName(ctx, dialTLS(t, te.addr, clientTLS(te.ca, &client))); status.Code(err) != codes.Unavailable {
		t.Errorf("old CA's device after CA rotation: %v, want Unavailable", err)
	}
	if name, err := peerName(ctx, dialTLS(t, te.addr, clientTLS(te.ca, &newDevice))); err != nil || name != "new device" {
		t.Errorf("new CA's device: %q, %v", name, err)
	}
}

// replaceFile overwrites dst with src's content and moves its modification
// time forward, as a renewal would.
func replaceFile(t *testing.T, dst, src string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dst, b)
}

// writeFile writes b to path and moves its modification time a second
// forward, so that the change shows even on coarse file system clocks.
func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	mod := fi.ModTime().Add(time.Second)
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func TestTLSConfigCheck(t *testing.T) {
	ca := tlstest.NewCA(t, "CA")
	pair, other := ca.Server(t, "a"), ca.Server(t, "b")
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		cfg       TLSConfig
		wantField string // "": no error; "-": an error that is no TLSFileError
	}{
		{"off", TLSConfig{}, ""},
		{"certificate", TLSConfig{CertFile: pair.CertFile, KeyFile: pair.KeyFile}, ""},
		{"mutual", TLSConfig{CertFile: pair.CertFile, KeyFile: pair.KeyFile, ClientCAFile: ca.File, ClientAuth: ClientAuthRequire}, ""},
		{"missing certificate file", TLSConfig{CertFile: "/nonexistent/cert.pem", KeyFile: pair.KeyFile}, "CertFile"},
		{"certificate file not PEM", TLSConfig{CertFile: garbage, KeyFile: pair.KeyFile}, "CertFile"},
		{"no key", TLSConfig{CertFile: pair.CertFile}, "KeyFile"},
		{"missing key file", TLSConfig{CertFile: pair.CertFile, KeyFile: "/nonexistent/key.pem"}, "KeyFile"},
		{"key of another certificate", TLSConfig{CertFile: pair.CertFile, KeyFile: other.KeyFile}, "KeyFile"},
		{"client CA not PEM", TLSConfig{CertFile: pair.CertFile, KeyFile: pair.KeyFile, ClientCAFile: garbage, ClientAuth: ClientAuthOptional}, "ClientCAFile"},
		{"require without client CA", TLSConfig{CertFile: pair.CertFile, KeyFile: pair.KeyFile, ClientAuth: ClientAuthRequire}, "ClientCAFile"},
		{"client CA with auth off", TLSConfig{CertFile: pair.CertFile, KeyFile: pair.KeyFile, ClientCAFile: ca.File}, "-"},
		{"key without certificate", TLSConfig{KeyFile: pair.KeyFile}, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Check()
			var fe *TLSFileError
			got := ""
			if errors.As(err, &fe) {
				got = fe.Field
			} else if err != nil {
				got = "-"
			}
			if got != tt.wantField {
				t.Errorf("Check() = %v, want field %q", err, tt.wantField)
			}
			if _, nerr := New(Config{TLS: tt.cfg}, nil, Registrar{}); (nerr != nil) != (err != nil) {
				t.Errorf("New: %v, Check: %v", nerr, err)
			}
		})
	}
}

func TestParseClientAuth(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    ClientAuth
		wantErr bool
	}{{"off", ClientAuthOff, false}, {"optional", ClientAuthOptional, false}, {"require", ClientAuthRequire, false}, {"yes", 0, true}} {
		got, err := ParseClientAuth(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseClientAuth(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestPlainTextWarning(t *testing.T) {
	tests := []struct {
		addr     *net.TCPAddr
		wantWarn bool
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, false},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 8080}, false},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, true},
		{&net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 8080}, true},
	}
	for _, tt := range tests {
		logs := &logBuffer{}
		s, err := New(Config{}, slog.New(slog.NewJSONHandler(logs, nil)), Registrar{})
		if err != nil {
			t.Fatal(err)
		}
		s.logServing(context.Background(), tt.addr)
		if got := len(logs.records(t, "level", "WARN")) == 1; got != tt.wantWarn {
			t.Errorf("plain text on %v: warned %v, want %v\n%s", tt.addr, got, tt.wantWarn, logs)
		}
	}
}

func TestTLSClientWithoutALPN(t *testing.T) {
	te := startTLS(t, ClientAuthOff)
	silent, err := net.Dial("tcp", te.addr) // says nothing: must not hold up others
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	c, err := tls.Dial("tcp", te.addr, clientTLS(te.ca, nil)) // no NextProtos
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: gridwatch\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz without ALPN = %s, want 200", resp.Status)
	}
}
