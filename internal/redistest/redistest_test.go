package redistest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

func TestMain(m *testing.M) { Main(m) }

func TestNew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := New(t)
	key := Prefix(t) + "k"
	if err := c.Set(ctx, key, "v", time.Minute).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	got, err := c.Get(ctx, key).Result()
	if err != nil || got != "v" {
		t.Errorf("GET = %q, %v; want \"v\", nil", got, err)
	}
}

func TestNewSharesOneServer(t *testing.T) {
	t.Parallel()
	a, b := New(t), New(t)
	if a.Options().Addr != b.Options().Addr {
		t.Errorf("two servers in one binary: %s and %s", a.Options().Addr, b.Options().Addr)
	}
}

func TestNewCluster(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := NewCluster(t)
	p := Prefix(t)
	for _, key := range []string{p + "{a}", p + "{b}", p + "{c}"} {
		if err := c.Set(ctx, key, "v", time.Minute).Err(); err != nil {
			t.Fatalf("SET %s: %v", key, err)
		}
	}
	err := c.Do(ctx, "MSET", p+"{a}x", "1", p+"{b}x", "2").Err()
	if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Errorf("cross-slot MSET error = %v, want CROSSSLOT", err)
	}
}

func TestPrefix(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		p := Prefix(t)
		if seen[p] {
			t.Fatalf("Prefix repeated %q", p)
		}
		seen[p] = true
		if strings.ContainsAny(p, "{}*?[]\\ ") {
			t.Errorf("Prefix %q holds a glob or hash-tag character", p)
		}
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"TestX", "TestX"},
		{"TestX/sub_test-1.2", "TestX_sub_test-1.2"},
		{"Test{a}*?[b]", "Test_a____b_"},
		{strings.Repeat("x", 50), strings.Repeat("x", maxNameLen)},
	}
	for _, tt := range tests {
		if got := sanitize(tt.in); got != tt.want {
			t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStartServerStops(t *testing.T) {
	t.Parallel()
	s, err := startServer()
	if err != nil {
		t.Fatal(err)
	}
	s.stop()
	select {
	case <-s.done:
	default:
		t.Error("server still running after stop")
	}
}

func TestStartServerWithoutBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := startServer()
	if !errors.Is(err, errNoServer) {
		t.Fatalf("startServer error = %v, want errNoServer", err)
	}
	if !strings.Contains(err.Error(), "./scripts/test") {
		t.Errorf("error %q does not point at ./scripts/test", err)
	}
}

// TestPersistentSurvivesKill writes, kills the server with SIGKILL and
// restarts it, twice: every acknowledged write of both rounds is there.
func TestPersistentSurvivesKill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := NewPersistent(t)
	c := p.NewClient(t)
	for param, want := range map[string]string{"appendonly": "yes", "appendfsync": "always", "save": ""} {
		if got := c.ConfigGet(ctx, param).Val()[param]; got != want {
			t.Errorf("CONFIG GET %s = %q, want %q", param, got, want)
		}
	}
	addr := p.Addr()
	for round := range 2 {
		for i := range 100 {
			if err := c.Incr(ctx, "counter").Err(); err != nil {
				t.Fatalf("round %d: INCR %d: %v", round, i, err)
			}
		}
		if err := c.RPush(ctx, "rounds", round).Err(); err != nil {
			t.Fatal(err)
		}
		killed := p.s
		p.Kill(t)
		if got := killed.cmd.ProcessState.String(); got != "signal: killed" {
			t.Errorf("round %d: the server ended with %q, want \"signal: killed\"", round, got)
		}
		if err := pingOnce(ctx, addr); err == nil {
			t.Fatalf("round %d: PING answered after Kill", round)
		}
		p.Restart(t)
		if p.Addr() != addr {
			t.Fatalf("round %d: restarted on %s, want %s", round, p.Addr(), addr)
		}
		want := map[string]string{"counter": strconv.Itoa(100 * (round + 1)),
			"rounds": strings.Join([]string{"0", "1"}[:round+1], ",")}
		got := map[string]string{"counter": c.Get(ctx, "counter").Val(),
			"rounds": strings.Join(c.LRange(ctx, "rounds", 0, -1).Val(), ",")}
		if !maps.Equal(got, want) {
			t.Errorf("round %d: after restart %v, want %v", round, got, want)
		}
	}
}

// pingOnce pings addr with one dial and no retries.
func pingOnce(ctx context.Context, addr string) error {
	c := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	return c.Ping(ctx).Err()
}

// TestPersistentKilledWithTest: the server does not outlive its test.
func TestPersistentKilledWithTest(t *testing.T) {
	t.Parallel()
	var s *server
	t.Run("inner", func(t *testing.T) { s = NewPersistent(t).s })
	select {
	case <-s.done:
	case <-time.After(readyTimeout):
		t.Error("server still running after its test ended")
	}
}

// TestPersistentWithoutBinary fails like New when redis-server is missing.
func TestPersistentWithoutBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	ft := &fatalTB{TB: t}
	func() {
		defer func() { _ = recover() }()
		NewPersistent(ft)
	}()
	if !strings.Contains(ft.msg, "./scripts/test") {
		t.Errorf("NewPersistent failed with %q, want a pointer to ./scripts/test", ft.msg)
	}
}

// fatalTB records the message of Fatal and stops the call with a panic.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Fatal(args ...any) {
	f.msg = fmt.Sprint(args...)
	panic(f)
}
