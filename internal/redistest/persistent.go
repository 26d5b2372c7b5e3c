package redistest

import (
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	goredis "github.com/redis/go-redis/v9"
)

// persistentArgs make a server keep every write in its append-only file,
// fsynced before the write is acknowledged, and nothing in RDB snapshots:
// what a restart recovers is what the AOF holds.
var persistentArgs = []string{"--appendonly", "yes", "--appendfsync", "always", "--save", ""}

// Persistent is a redis-server of one test's own, with an append-only file
// fsynced on every write (appendfsync always) in a directory of the test,
// which the test can kill and restart to check what survives a crash of
// Redis. Unlike New it never uses REDIS_URL: a server the test did not
// start cannot be killed. Kill and Restart must be called from the test's
// goroutine (they fail t).
type Persistent struct {
	path string // redis-server
	port int
	dir  string

	mu sync.Mutex
	s  *server // nil while killed
}

// NewPersistent starts a persistent redis-server on a free port of
// 127.0.0.1, its files in a directory of t.TempDir, and kills it when t
// ends.
func NewPersistent(t testing.TB) *Persistent {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal(errNoServer)
	}
	p := &Persistent{path: path, dir: t.TempDir()}
	for range bindAttempts {
		if p.port, err = freePort(); err != nil {
			t.Fatal(err)
		}
		if p.s, err = spawn(path, p.port, p.dir, persistentArgs); err == nil ||
			!strings.Contains(err.Error(), "already in use") {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.s != nil {
			p.s.kill()
			p.s = nil
		}
	})
	return p
}

// Addr is the server's host:port, the same across restarts.
func (p *Persistent) Addr() string { return "127.0.0.1:" + strconv.Itoa(p.port) }

// URL is the server's database 0 as a redis:// URL, for -redis-url.
func (p *Persistent) URL() string { return "redis://" + p.Addr() + "/0" }

// Dir is the server's working directory, where its append-only file is.
func (p *Persistent) Dir() string { return p.dir }

// NewClient returns a client of the server, closed when t ends. It
// reconnects by itself after a restart.
func (p *Persistent) NewClient(t testing.TB) *goredis.Client {
	t.Helper()
	c := goredis.NewClient(&goredis.Options{Addr: p.Addr()})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Kill sends the running server SIGKILL, as a crash would: no shutdown,
// no final save. It returns once the process has exited, the port closed.
// The directory and its append-only file stay for Restart.
func (p *Persistent) Kill(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.s == nil {
		t.Fatal("redistest: Kill: the server is not running")
	}
	p.s.kill()
	p.s = nil
}

// Restart starts the server again on the same port and directory, so that
// it replays its append-only file, and returns once it answers PING (that
// is, once the file is loaded).
func (p *Persistent) Restart(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.s != nil {
		t.Fatal("redistest: Restart: the server is running; Kill it first")
	}
	s, err := spawn(p.path, p.port, p.dir, persistentArgs)
	if err != nil {
		t.Fatalf("redistest: restart on port %d: %v", p.port, err)
	}
	p.s = s
}
