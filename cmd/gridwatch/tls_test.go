package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/gridwatch/gridwatch/internal/tlstest"
	"github.com/gridwatch/gridwatch/server"
)

// runTLSEnv runs the CLI with the environment env over testGetenv; it
// returns stdout, stderr
// and the error described as main would print it.
func runTLSEnv(env map[string]string, args ...string) (string, string, string) {
	var out, errb bytes.Buffer
	err := realMain(context.Background(), args, &out, &errb, func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return testGetenv(k)
	})
	if err != nil {
		return out.String(), errb.String(), describe(err)
	}
	return out.String(), errb.String(), ""
}

func TestCLITLS(t *testing.T) {
	ca, clientCA := tlstest.NewCA(t, "server CA"), tlstest.NewCA(t, "client CA")
	pair, device := ca.Server(t, "gridwatchd"), clientCA.Client(t, "operator")
	tlsAddr, _ := startConfigured(t, server.Config{TLS: server.TLSConfig{CertFile: pair.CertFile, KeyFile: pair.KeyFile}}, testAuthn())
	mtlsAddr, _ := startConfigured(t, server.Config{TLS: server.TLSConfig{CertFile: pair.CertFile, KeyFile: pair.KeyFile,
		ClientCAFile: clientCA.File, ClientAuth: server.ClientAuthRequire}}, testAuthn())
	port := tlsAddr[strings.LastIndex(tlsAddr, ":"):]
	mtls := []string{"--ca-cert", ca.File, "--cert", device.CertFile, "--key", device.KeyFile}
	tests := []struct {
		name    string
		addr    string
		args    []string
		env     map[string]string
		wantErr string // "": the call succeeds
	}{
		{"--ca-cert", tlsAddr, []string{"--ca-cert", ca.File}, nil, ""},
		{"GRIDWATCH_CA_CERT", tlsAddr, nil, map[string]string{"GRIDWATCH_CA_CERT": ca.File}, ""},
		{"--server-name", "127.0.0.1" + port, []string{"--ca-cert", ca.File, "--server-name", "localhost"}, nil, ""},
		{"wrong --server-name", tlsAddr, []string{"--ca-cert", ca.File, "--server-name", "elsewhere.example"}, nil, "Unavailable"},
		{"--tls with the system's CAs", tlsAddr, []string{"--tls"}, nil, "Unavailable"},
		{"GRIDWATCH_TLS with the system's CAs", tlsAddr, nil, map[string]string{"GRIDWATCH_TLS": "1"}, "Unavailable"},
		{"plain text to TLS", tlsAddr, nil, nil, "Unavailable"},
		{"mutual TLS", mtlsAddr, mtls, nil, ""},
		{"mutual TLS from the environment", mtlsAddr, nil, map[string]string{"GRIDWATCH_CA_CERT": ca.File,
			"GRIDWATCH_CERT": device.CertFile, "GRIDWATCH_KEY": device.KeyFile}, ""},
		{"mutual TLS without a certificate", mtlsAddr, []string{"--ca-cert", ca.File}, nil, "Unavailable"},
		{"--cert without --key", mtlsAddr, []string{"--ca-cert", ca.File, "--cert", device.CertFile}, nil, "--key"},
		{"missing --ca-cert", tlsAddr, []string{"--ca-cert", "/nonexistent/ca.pem"}, nil, "--ca-cert /nonexistent/ca.pem"},
		{"bad GRIDWATCH_TLS", tlsAddr, nil, map[string]string{"GRIDWATCH_TLS": "sometimes"}, "GRIDWATCH_TLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"grids", "list", "-o", "json", "--timeout", "10s", "--server", tt.addr}, tt.args...)
			out, stderr, err := runTLSEnv(tt.env, args...)
			if tt.wantErr == "" && (err != "" || !strings.HasPrefix(out, "{")) {
				t.Errorf("gridwatch %v: %q, %s; want a JSON reply", args, out, err)
			}
			if tt.wantErr != "" && !strings.Contains(err, tt.wantErr) {
				t.Errorf("gridwatch %v: %q, error %q; want an error with %q", args, out, err, tt.wantErr)
			}
			if stderr != "" {
				t.Errorf("stderr %q for a server on loopback", stderr)
			}
		})
	}
}

func TestPlainTextWarning(t *testing.T) {
	tests := []struct {
		server string
		tls    bool
		want   bool
	}{
		{"127.0.0.1:8080", false, false},
		{"localhost:8080", false, false},
		{"[::1]:8080", false, false},
		{"dns:///localhost:8080", false, false},
		{"unix:///run/gridwatchd.sock", false, false},
		{"gridwatch.example:443", false, true},
		{"dns:///10.0.0.7:8080", false, true},
		{"gridwatch.example:443", true, false},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		(&transport{tls: tt.tls}).warnPlainText(&buf, tt.server)
		if got := strings.Contains(buf.String(), "without TLS"); got != tt.want {
			t.Errorf("server %s, TLS %v: warned %q, want a warning %v", tt.server, tt.tls, buf.String(), tt.want)
		}
	}
}
