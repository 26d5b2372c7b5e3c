package redis_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
)

// cutProxy forwards TCP connections to a Redis until cut: then it closes
// them and refuses new ones until restored.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.cut() })
	return p
}

func (p *cutProxy) serve() {
	for {
		conn, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			conn.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			conn.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, conn, up)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(up, conn); up.Close() }()
		go func() { _, _ = io.Copy(conn, up); conn.Close() }()
	}
}

// cut closes every forwarded connection and refuses new ones.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *cutProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// TestEventsCatchUp cuts one bus off Redis while the other publishes: the
// publisher's own sink gets the events at once, the cut-off one after
// Redis is back, in order: all of them after a short outage, the newest
// (and a logged gap) when the stream cap trimmed the rest meanwhile.
func TestEventsCatchUp(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		maxLen  int64
		wantAll bool
	}{
		{"short outage", 20, 0, true},
		{"outage past the cap", 400, 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			c, prefix := redistest.New(t), redistest.Prefix(t)
			proxy := newCutProxy(t, c.Options().Addr)
			cut := goredis.NewClient(&goredis.Options{Addr: proxy.ln.Addr().String(), MaxRetries: -1,
				DialTimeout: 200 * time.Millisecond})
			t.Cleanup(func() { _ = cut.Close() })
			cfg := redis.EventsConfig{MaxLen: tt.maxLen, Block: 100 * time.Millisecond}
			a, _ := newBus(c, prefix, cfg)
			b, blog := newBus(cut, prefix, cfg)
			sa, sb := runBus(t, a), runBus(t, b)
			ready(t, a, sa, sb)
			proxy.cut()
			inc, events := busIncident(t)
			for i := range tt.n {
				a.Publish(ctx, &inc, dispatch.Event{Seq: i + 1, Type: dispatch.EventOffered, Slot: -1, At: events[0].At})
			}
			last := func(g []busGot) bool { return len(g) > 0 && g[len(g)-1].ev.Seq == tt.n }
			sa.waitUntil(t, last) // live, though a cap of 10 trims some before it reads them
			if got, _ := sb.snapshot(); len(got) != 0 {
				t.Fatalf("the cut-off bus received %d events", len(got))
			}
			proxy.restore()
			got := sb.waitUntil(t, last)
			if !tt.wantAll && len(got) > 200 {
				t.Errorf("caught up %d of %d events with a cap of %d", len(got), tt.n, tt.maxLen)
			}
			for i, g := range got {
				if want := tt.n - len(got) + i + 1; g.ev.Seq != want {
					t.Fatalf("caught up event %d has seq %d, want %d: the newest, in order, without holes", i, g.ev.Seq, want)
				}
			}
			if all := len(got) == tt.n; all != tt.wantAll {
				t.Errorf("caught up %d of %d events; want all %v", len(got), tt.n, tt.wantAll)
			}
			log := blog.String()
			if !strings.Contains(log, "reading again") || strings.Contains(log, "trimmed") == tt.wantAll {
				t.Errorf("log of the cut-off bus:\n%s\nwant a resumption, a gap %v", log, !tt.wantAll)
			}
		})
	}
}

// TestEventsRedisDown: with nothing listening, Publish returns within
// about its timeout and logs the loss, and Run keeps retrying until its
// context ends.
func TestEventsRedisDown(t *testing.T) {
	bus, log := newBus(downClient(t), "", redis.EventsConfig{PublishTimeout: 200 * time.Millisecond})
	inc, events := busIncident(t)
	start := time.Now()
	bus.Publish(context.Background(), &inc, events[0])
	bus.PublishChange(context.Background(), &inc, events)
	if d := time.Since(start); d > time.Second {
		t.Errorf("two publishes to a dead Redis took %v", d)
	}
	if n := strings.Count(log.String(), "dispatch events not published"); n != 2 {
		t.Errorf("log:\n%s\nwant 2 lost publishes", log)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := bus.Run(ctx, &busSink{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run on a dead Redis: %v, want its context's error", err)
	}
	if !strings.Contains(log.String(), "reading the stream failed") {
		t.Errorf("log:\n%s\nwant the failed read", log)
	}
}

// TestEventsRunStops: cancelling Run's context ends it within about the
// block time.
func TestEventsRunStops(t *testing.T) {
	bus, _ := newBus(redistest.New(t), redistest.Prefix(t), redis.EventsConfig{Block: 100 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bus.Run(ctx, &busSink{}) }()
	time.Sleep(200 * time.Millisecond) // blocked in XREAD
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run still running 2 s after its context ended")
	}
}
