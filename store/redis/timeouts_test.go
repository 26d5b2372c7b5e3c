package redis_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/grid/gridtest"
	"github.com/gridwatch/gridwatch/internal/redistest"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// silentRedis is a TCP listener that accepts connections, reads what it
// is sent and never answers: a Redis that stopped answering. It returns
// its redis:// URL.
func silentRedis(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			go func() { _, _ = io.Copy(io.Discard, c) }()
		}
	}()
	return "redis://" + l.Addr().String() + "/0"
}

// storeCalls are calls of each of the engine's stores: a command, a
// pipeline, a script.
func storeCalls(c goredis.UniversalClient) map[string]func(context.Context) error {
	st := redisstore.New(redisstore.Options{Client: c, Prefix: "t:"})
	pres := redisstore.NewPresence(redisstore.Options{Client: c, Prefix: "t:"})
	disp := redisstore.NewDispatch(redisstore.Options{Client: c, Prefix: "t:"})
	return map[string]func(context.Context) error{
		"Ping":  st.Ping,
		"Units": func(ctx context.Context) error { _, err := st.Units(ctx); return err },
		"LocateCells": func(ctx context.Context) error {
			_, _, err := st.LocateCells(ctx, []h3.Cell{h3.Cell(0x8a1f05a3b487fff)})
			return err
		},
		"presence Get": func(ctx context.Context) error { _, err := pres.Get(ctx, "r1"); return err },
		"dispatch Incident": func(ctx context.Context) error {
			_, err := disp.Incident(ctx, "i1")
			return err
		},
	}
}

// TestOpTimeoutBoundsSilentRedis: against a Redis that accepts and never
// answers, every call without a deadline of its own fails within the
// operation timeout with an error matching grid.ErrUnavailable (the API's
// UNAVAILABLE), not context.DeadlineExceeded; a caller's earlier deadline
// fails it sooner, with the caller's error.
func TestOpTimeoutBoundsSilentRedis(t *testing.T) {
	const op = 300 * time.Millisecond
	addr := silentRedis(t)
	tests := []struct {
		name     string
		timeouts redisstore.Timeouts
		caller   time.Duration // 0: no deadline
		within   time.Duration
		want     error
		notWant  error
	}{
		{"no caller deadline", redisstore.Timeouts{Read: time.Minute, Write: time.Minute, Op: op},
			0, op + time.Second, grid.ErrUnavailable, context.DeadlineExceeded},
		{"caller deadline first", redisstore.Timeouts{Read: time.Minute, Write: time.Minute, Op: time.Minute},
			op, op + time.Second, context.DeadlineExceeded, nil},
		{"default timeouts", redisstore.Timeouts{}, 0, redisstore.DefaultOpTimeout + time.Second,
			grid.ErrUnavailable, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := redisstore.NewClient(addr, tt.timeouts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = c.Close() })
			calls := storeCalls(c)
			if tt.name == "default timeouts" {
				calls = map[string]func(context.Context) error{"Units": calls["Units"]} // one: 5 s each
			}
			for name, call := range calls {
				ctx := context.Background()
				if tt.caller > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.caller)
					defer cancel()
				}
				start := time.Now()
				err := call(ctx)
				took := time.Since(start)
				if !errors.Is(err, tt.want) || (tt.notWant != nil && errors.Is(err, tt.notWant)) {
					t.Errorf("%s: got %v, want %v and not %v", name, err, tt.want, tt.notWant)
				}
				if took > tt.within {
					t.Errorf("%s: took %v, want within %v", name, took, tt.within)
				}
			}
		})
	}
}

// TestOpTimeoutPausedRedis: a real Redis that stops answering (CLIENT
// PAUSE) on a pooled connection fails the call within the operation
// timeout; once it answers again, so does the client.
func TestOpTimeoutPausedRedis(t *testing.T) {
	admin := redistest.New(t)
	o := admin.Options()
	c, err := redisstore.NewClient(redisURL(o), redisstore.Timeouts{Op: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	st := redisstore.New(redisstore.Options{Client: c, Prefix: redistest.Prefix(t)})
	ctx := context.Background()
	if _, err := st.Units(ctx); err != nil {
		t.Fatalf("before the pause: %v", err)
	}
	const pause = 1500 * time.Millisecond
	if err := admin.Do(ctx, "CLIENT", "PAUSE", pause.Milliseconds(), "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	paused := time.Now()
	_, err = st.Units(ctx)
	if took := time.Since(paused); !errors.Is(err, grid.ErrUnavailable) || took > time.Second {
		t.Errorf("while paused: got %v after %v, want ErrUnavailable within 1s", err, took)
	}
	time.Sleep(time.Until(paused.Add(pause + 100*time.Millisecond)))
	if _, err := st.Units(ctx); err != nil {
		t.Errorf("after the pause: %v", err)
	}
}

// TestConformanceBoundedClient runs the grid store suite on a client of
// NewClient: the bound changes nothing of what works.
func TestConformanceBoundedClient(t *testing.T) {
	o := redistest.New(t).Options()
	c, err := redisstore.NewClient(redisURL(o), redisstore.Timeouts{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	gridtest.RunStoreTests(t, func(t *testing.T) grid.Store {
		return redisstore.New(redisstore.Options{Client: c, Prefix: redistest.Prefix(t)})
	})
}

// redisURL is the redis:// URL of the server and database of o.
func redisURL(o *goredis.Options) string {
	u := url.URL{Scheme: "redis", Host: o.Addr, Path: fmt.Sprintf("/%d", o.DB)}
	if o.Password != "" {
		u.User = url.UserPassword(o.Username, o.Password)
	}
	return u.String()
}

func TestTimeoutsValidate(t *testing.T) {
	if _, err := redisstore.NewClient("redis://127.0.0.1:1/0", redisstore.Timeouts{Op: -1}); err == nil {
		t.Error("negative Op: got no error")
	}
	if _, err := redisstore.NewClient("http://x", redisstore.Timeouts{}); err == nil {
		t.Error("bad URL: got no error")
	}
	if _, err := redisstore.NewEventsClient("redis://127.0.0.1:1/0", redisstore.Timeouts{Op: redisstore.DefaultEventsBlock}); err == nil {
		t.Error("an events client whose Op is the XREAD block: got no error")
	}
	c, err := redisstore.NewEventsClient("redis://127.0.0.1:1/0", redisstore.Timeouts{})
	if err != nil || c.Options().MaxRetries != 0 { // go-redis reads -1 as none and stores 0
		t.Errorf("events client with default timeouts: %v, retries %v; want no error and no retries", err, c.Options().MaxRetries)
	}
	_ = c.Close()
}
