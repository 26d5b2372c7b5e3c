package redis_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// TestDownIsUnavailable: with nothing listening, every call fails with an
// error matching grid.ErrUnavailable (the API's UNAVAILABLE), quickly.
func TestDownIsUnavailable(t *testing.T) {
	st := redisstore.New(redisstore.Options{Client: downClient(t)})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	calls := map[string]func() error{
		"Ping":  func() error { return st.Ping(ctx) },
		"Units": func() error { _, err := st.Units(ctx); return err },
		"LocateCells": func() error {
			_, _, err := st.LocateCells(ctx, []h3.Cell{h3.Cell(0x8a1f05a3b487fff)})
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, grid.ErrUnavailable) {
			t.Errorf("%s: got %v, want ErrUnavailable", name, err)
		}
	}
}

// downClient returns a client of a port where nothing listens, failing
// fast: no retries, a 200 ms dial timeout.
func downClient(t *testing.T) *goredis.Client {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	client := goredis.NewClient(&goredis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { _ = client.Close() })
	return client
}
