package redistest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// readyTimeout bounds how long a started server may take to answer PING.
const readyTimeout = 10 * time.Second

// bindAttempts is how many free ports are tried before giving up.
const bindAttempts = 5

// errNoServer explains what to do when redis-server is missing.
var errNoServer = errors.New("redis-server is not on PATH and REDIS_URL is unset: " +
	"run ./scripts/test, which installs it")

// server is a redis-server process this package started.
type server struct {
	addr string
	cmd  *exec.Cmd
	dir  string
	out  *syncBuffer
	done chan struct{} // closed when the process has exited
	// removeDir makes stop remove dir, a directory of the server's own.
	removeDir bool
}

// startServer starts redis-server on a free port of 127.0.0.1 and waits until
// it answers PING. extra are further command-line options.
func startServer(extra ...string) (*server, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errNoServer
	}
	var lastErr error
	for range bindAttempts {
		s, err := tryStart(path, extra)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if !strings.Contains(err.Error(), "already in use") {
			break
		}
	}
	return nil, lastErr
}

// tryStart starts one server on a port that was free a moment ago, with
// persistence off, in a temporary directory that stop removes.
func tryStart(path string, extra []string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		return nil, fmt.Errorf("redistest: temp dir: %w", err)
	}
	s, err := spawn(path, port, dir, append([]string{"--save", "", "--appendonly", "no"}, extra...))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.removeDir = true
	return s, nil
}

// spawn starts redis-server on port of 127.0.0.1 with its files in dir and
// waits until it answers PING. args are further command-line options.
func spawn(path string, port int, dir string, args []string) (*server, error) {
	args = append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir}, args...)
	s := &server{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		dir: dir, out: new(syncBuffer), done: make(chan struct{})}
	s.cmd = exec.Command(path, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("redistest: start redis-server: %w", err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	if err := s.waitReady(); err != nil {
		s.kill()
		return nil, err
	}
	return s, nil
}

// freePort asks the kernel for a free port of 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("redistest: pick a port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls PING until the server answers, exits or time runs out.
func (s *server) waitReady() error {
	c := goredis.NewClient(&goredis.Options{Addr: s.addr, MaxRetries: -1,
		DialTimeout: time.Second})
	defer c.Close()
	return waitPing(s.done, s.out, func(ctx context.Context) error {
		return c.Ping(ctx).Err()
	})
}

// waitPing calls ping until it succeeds; it fails early if done is closed.
func waitPing(done <-chan struct{}, out *syncBuffer, ping func(context.Context) error) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := ping(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("redistest: redis-server exited: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redistest: redis-server not ready after %v: %w", readyTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills the server, waits for it and removes its directory if it is
// a temporary one.
func (s *server) stop() {
	s.kill()
	if s.removeDir {
		os.RemoveAll(s.dir)
	}
}

// kill sends the server SIGKILL, so it cannot save or clean up anything,
// and waits until it has exited.
func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// syncBuffer collects a process's output for error messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.buf.String())
}
