package redis_test

import (
	"context"
	"errors"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
)

// TestPresenceRedisDown stops the server under a working engine: every call
// fails with an error matching grid.ErrUnavailable. A new server on the
// same port (empty: the old one kept nothing) then serves the same engine
// again, scripts and all.
func TestPresenceRedisDown(t *testing.T) {
	ctx := context.Background()
	port := freePort(t)
	srv := startRedis(t, port)
	client := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port),
		DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer client.Close()
	st := redis.NewPresence(redis.Options{Client: client})
	checkWorks(t, st, "before")
	srv.stop()
	checkUnavailable(t, st)
	srv = startRedis(t, port)
	defer srv.stop()
	if _, err := st.Move(ctx, moveTo(t, "R1", syPos, time.Hour)); !errors.Is(err, presence.ErrNotOnShift) {
		t.Errorf("Move on the new, empty server: %v, want ErrNotOnShift", err)
	}
	checkWorks(t, st, "after")
}

// checkWorks runs a Nearby first (so that its scripts are not cached), a
// shift and a move, and finds the responder.
func checkWorks(t *testing.T, st *redis.Presence, when string) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.Nearby(ctx, presence.NearbyQuery{Center: syPos, Radius: radii(10)}, nil); err != nil {
		t.Fatalf("%s: Nearby: %v", when, err)
	}
	if _, err := st.StartShift(ctx, startRec("R1", grid.WatchVolunteer, grid.Walk)); err != nil {
		t.Fatalf("%s: StartShift: %v", when, err)
	}
	if _, err := st.Move(ctx, moveTo(t, "R1", syPos, time.Second)); err != nil {
		t.Fatalf("%s: Move: %v", when, err)
	}
	checkNearby(t, st, syPos, []string{"R1"})
}

func checkUnavailable(t *testing.T, st *redis.Presence) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	calls := map[string]func() error{
		"Nearby": func() error {
			_, err := st.Nearby(ctx, presence.NearbyQuery{Center: syPos, Radius: radii(10)}, nil)
			return err
		},
		"Move":        func() error { return second(st.Move(ctx, moveTo(t, "R1", syPos, time.Minute))) },
		"Get":         func() error { return second(st.Get(ctx, "R1")) },
		"SetStatus":   func() error { return st.SetStatus(ctx, "R1", presence.Busy) },
		"StartShift":  func() error { return second(st.StartShift(ctx, startRec("R2", grid.WatchVolunteer, grid.Walk))) },
		"EndShift":    func() error { return second(st.EndShift(ctx, "R1")) },
		"OwnGridDay":  func() error { return second(st.OwnGridDay(ctx, "R1", "2025-03-01")) },
		"Move (cold)": func() error { return second(st.Move(ctx, moveTo(t, "R9", syPos, time.Minute))) },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, grid.ErrUnavailable) {
			t.Errorf("%s with Redis down: %v, want ErrUnavailable", name, err)
		}
	}
}

// redisProc is a redis-server this test started.
type redisProc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startRedis starts redis-server on port, without persistence, and waits
// until it answers.
func startRedis(t *testing.T, port int) *redisProc {
	t.Helper()
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	p := &redisProc{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.stop)
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port), MaxRetries: -1})
	defer c.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c.Ping(context.Background()).Err() == nil {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not answer")
		}
	}
}

// stop kills the server and waits for it to exit; it may be called again.
func (p *redisProc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
