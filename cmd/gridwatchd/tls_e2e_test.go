package main_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/gridwatch/gridwatch/internal/tlstest"
)

// TestTLSEndToEnd runs gridwatchd with mutual TLS required: the CLI with
// a client certificate imports and lists grids, the HTTP side answers over
// HTTP/2 with a certificate and refuses plain text, and SIGTERM still ends
// the server cleanly.
func TestTLSEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binaries")
	}
	bin, cli := binaries(t)
	ca, clientCA := tlstest.NewCA(t, "server CA"), tlstest.NewCA(t, "client CA")
	pair, operator := ca.Server(t, "gridwatchd"), clientCA.Client(t, "operator")
	addr := freeAddr(t)
	logPath := filepath.Join(t.TempDir(), "gridwatchd.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	keys := keysOf(t)
	srv := exec.Command(bin, "-listen", addr, "-caller-key", callerKey, "-data-dir", keys.dataDir,
		"-tls-cert", pair.CertFile, "-tls-key", pair.KeyFile, "-tls-client-ca", clientCA.File)
	srv.Stderr = logFile
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	defer func() {
		if t.Failed() {
			out, _ := os.ReadFile(logPath)
			t.Logf("gridwatchd logged:\n%s", tail(string(out), 8000))
		}
	}()
	clientTLS := &tls.Config{RootCAs: ca.Pool, Certificates: []tls.Certificate{operator.Cert}, MinVersion: tls.VersionTLS12}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(clientTLS)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	waitHealth(t, conn, healthpb.HealthCheckResponse_SERVING)

	env := append(os.Environ(), "GRIDWATCH_SERVER="+addr, "GRIDWATCH_CA_CERT="+ca.File,
		"GRIDWATCH_CERT="+operator.CertFile, "GRIDWATCH_KEY="+operator.KeyFile, "GRIDWATCH_TOKEN="+keys.admin)
	runCLI(t, cli, env, "units", "import", "testdata/shenyang/units.csv")
	if out := runCLI(t, cli, env, "units", "list", "-o", "json"); !strings.Contains(out, "units/") {
		t.Errorf("units list over mutual TLS: %.200s", out)
	}
	checkHTTPS(t, addr, clientTLS)
	checkSIGTERM(t, srv)
	logs, _ := os.ReadFile(logPath)
	if !strings.Contains(string(logs), `"tls":true`) || strings.Contains(string(logs), "without TLS") {
		t.Errorf("log does not say it serves TLS:\n%s", tail(string(logs), 4000))
	}
}

// runCLI runs gridwatch from the repository root with env and returns its
// standard output, failing t if it fails.
func runCLI(t *testing.T, cli string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(cli, args...)
	cmd.Dir, cmd.Env = "../..", env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("gridwatch %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

// checkHTTPS gets /healthz over HTTP/2 with the client certificate of cfg,
// and checks that plain-text HTTP is told to use https.
func checkHTTPS(t *testing.T, addr string, cfg *tls.Config) {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	resp, err := client.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("GET https /healthz: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 2 {
		t.Errorf("GET https /healthz = %s %s, want HTTP/2 200", resp.Proto, resp.Status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/healthz", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET http /healthz: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("plain-text GET /healthz = %s, want 400", resp.Status)
	}
}
