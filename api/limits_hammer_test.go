package api

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// The environment of the hammer process (TestHammerProcess): the
// server's address, A's token, goroutines and rate.
const (
	hammerAddrEnv    = "GRIDWATCH_TEST_HAMMER_ADDR"
	hammerWorkersEnv = "GRIDWATCH_TEST_HAMMER_WORKERS"
	hammerRateEnv    = "GRIDWATCH_TEST_HAMMER_RATE"
	hammerTokenEnv   = "GRIDWATCH_TEST_HAMMER_TOKEN" // signed by this process's test key
)

// hammerProcess is caller A of BenchmarkRateLimitIsolation running in a
// child process: this test binary, running TestHammerProcess.
type hammerProcess struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
	start time.Time
}

// startHammerProcess starts A against addr and returns once its first call
// was answered.
func startHammerProcess(b *testing.B, addr string) *hammerProcess {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHammerProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), hammerAddrEnv+"="+addr, hammerTokenEnv+"="+callerToken("127.0.0.2"),
		hammerWorkersEnv+"="+strconv.Itoa(*hammerers), hammerRateEnv+"="+strconv.FormatFloat(*aRate, 'f', -1, 64))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	h := &hammerProcess{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout)}
	if !h.out.Scan() || h.out.Text() != "ready" {
		b.Fatalf("hammer process: %q, want ready (%v)", h.out.Text(), h.out.Err())
	}
	h.start = time.Now()
	return h
}

// stop ends A (closing its stdin) and returns its counts.
func (h *hammerProcess) stop(b *testing.B) (calls, refused, failures int64, elapsed time.Duration) {
	b.Helper()
	elapsed = time.Since(h.start)
	_ = h.stdin.Close()
	if !h.out.Scan() {
		b.Fatalf("hammer process: no counts (%v)", h.out.Err())
	}
	if _, err := fmt.Sscan(h.out.Text(), &calls, &refused, &failures); err != nil {
		b.Fatalf("hammer process: %q: %v", h.out.Text(), err)
	}
	return calls, refused, failures, elapsed
}

// TestHammerProcess is caller A when this binary runs as the hammer
// process of BenchmarkRateLimitIsolation (its environment names a server);
// otherwise it is skipped. It calls ListUnits from 127.0.0.2 until its
// standard input closes, then prints "calls refused failures".
func TestHammerProcess(t *testing.T) {
	addr := os.Getenv(hammerAddrEnv)
	if addr == "" {
		t.Skip("the hammer process of BenchmarkRateLimitIsolation")
	}
	workers, _ := strconv.Atoi(os.Getenv(hammerWorkersEnv))
	rate, _ := strconv.ParseFloat(os.Getenv(hammerRateEnv), 64)
	a := gridwatchv1.NewGridServiceClient(dialFromWith(t, addr, "127.0.0.2", os.Getenv(hammerTokenEnv)))
	if _, err := a.ListUnits(t.Context(), &gridwatchv1.ListUnitsRequest{}); err != nil {
		t.Fatal(err)
	}
	h := startHammer(a, max(workers, 1), rate)
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	calls, refused, _ := h.stop()
	fmt.Println(calls, refused, h.failures.Load())
}
