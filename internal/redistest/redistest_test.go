package redistest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
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
