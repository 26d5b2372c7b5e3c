package redistest

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	goredis "github.com/redis/go-redis/v9"
)

// The environment variables naming servers to use instead of starting one.
const (
	EnvURL          = "REDIS_URL"
	EnvClusterAddrs = "REDIS_CLUSTER_ADDRS"
)

// servers are the processes shared by a test binary that runs through Main.
var servers struct {
	mu    sync.Mutex
	main  bool
	kinds map[string]*sharedServer
}

// sharedServer is one kind of server, started on first use.
type sharedServer struct {
	once sync.Once
	s    *server
	err  error
}

// Main runs the tests of a package and then kills the servers they started.
// Call it from TestMain.
func Main(m *testing.M) {
	servers.mu.Lock()
	servers.main = true
	servers.mu.Unlock()
	code := m.Run()
	stopAll()
	os.Exit(code)
}

// stopAll kills every shared server.
func stopAll() {
	servers.mu.Lock()
	defer servers.mu.Unlock()
	for _, k := range servers.kinds {
		k.once.Do(func() {}) // wait for a start in progress
		if k.s != nil {
			k.s.stop()
		}
	}
	servers.kinds = nil
}

// New returns a client of a real, running Redis, closed when t ends.
func New(t testing.TB) *goredis.Client {
	t.Helper()
	opts, err := standaloneOptions(t)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	ready(t, func(ctx context.Context) error { return c.Ping(ctx).Err() })
	return c
}

// standaloneOptions names REDIS_URL's server or one this package started.
func standaloneOptions(t testing.TB) (*goredis.Options, error) {
	if url := os.Getenv(EnvURL); url != "" {
		return goredis.ParseURL(url)
	}
	s := shared(t, "standalone", func() (*server, error) { return startServer() })
	return &goredis.Options{Addr: s.addr}, nil
}

// NewCluster returns a client of a real Redis Cluster, closed when t ends:
// REDIS_CLUSTER_ADDRS's nodes, or a one-node cluster this package started.
func NewCluster(t testing.TB) *goredis.ClusterClient {
	t.Helper()
	addrs := strings.FieldsFunc(os.Getenv(EnvClusterAddrs), func(r rune) bool { return r == ',' })
	if len(addrs) == 0 {
		addrs = []string{shared(t, "cluster", startCluster).addr}
	}
	c := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { _ = c.Close() })
	ready(t, func(ctx context.Context) error { return c.Ping(ctx).Err() })
	return c
}

// shared returns the binary's server of a kind, starting it on first use.
// Outside Main it starts a server for t alone and kills it when t ends.
func shared(t testing.TB, kind string, start func() (*server, error)) *server {
	t.Helper()
	servers.mu.Lock()
	if !servers.main {
		servers.mu.Unlock()
		s, err := start()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.stop)
		return s
	}
	if servers.kinds == nil {
		servers.kinds = map[string]*sharedServer{}
	}
	k := servers.kinds[kind]
	if k == nil {
		k = new(sharedServer)
		servers.kinds[kind] = k
	}
	servers.mu.Unlock()
	k.once.Do(func() { k.s, k.err = start() })
	if k.err != nil {
		t.Fatal(k.err)
	}
	return k.s
}

// ready fails t unless ping succeeds within readyTimeout.
func ready(t testing.TB, ping func(context.Context) error) {
	t.Helper()
	if err := waitPing(nil, nil, ping); err != nil {
		t.Fatal(err)
	}
}
