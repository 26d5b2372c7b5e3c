package server

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"syscall"
	"time"
)

// http2Preface opens every HTTP/2 connection; gRPC always speaks HTTP/2.
const http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// defaultPeekTimeout bounds how long a new connection may stay silent before
// it is dropped.
const defaultPeekTimeout = 5 * time.Second

// demux splits the connections of one listener between two sub-listeners:
// those opening with the HTTP/2 client preface go to grpcL, all others to
// httpL. Plain-text HTTP/2 with prior knowledge therefore counts as gRPC.
// With tlsConfig set, every connection is a TLS connection instead, and is
// routed once its handshake is done (see handshake).
type demux struct {
	root        net.Listener
	log         *slog.Logger
	peekTimeout time.Duration
	tlsConfig   *tls.Config // nil: plain text
	grpcL       *subListener
	httpL       *subListener
	done        chan struct{}
	closeOnce   sync.Once
	closeErr    error

	mu      sync.Mutex
	closed  bool
	peeking map[net.Conn]struct{} // connections being classified
	wg      sync.WaitGroup        // classifying goroutines
}

func newDemux(root net.Listener, log *slog.Logger, peekTimeout time.Duration) *demux {
	d := &demux{
		root:        root,
		log:         log,
		peekTimeout: peekTimeout,
		done:        make(chan struct{}),
		peeking:     make(map[net.Conn]struct{}),
	}
	d.grpcL = newSubListener(d)
	d.httpL = newSubListener(d)
	return d
}

// serve accepts connections until the demux is closed, when it returns nil,
// or until Accept fails for good. Either way both sub-listeners are closed
// on return. Classification runs in one goroutine per connection.
func (d *demux) serve() error {
	var delay time.Duration
	for {
		c, err := d.root.Accept()
		if err != nil {
			if d.isClosed() {
				return nil
			}
			if !isTemporary(err) {
				d.Close()
				return fmt.Errorf("demux: accept: %w", err)
			}
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			d.log.Warn("accept failed; retrying", "error", err, "retry_in", delay)
			select {
			case <-time.After(delay):
			case <-d.done:
				return nil
			}
			continue
		}
		delay = 0
		if !d.track(c) {
			c.Close()
			return nil
		}
		go d.route(c)
	}
}

// route classifies c and hands it to the matching sub-listener.
func (d *demux) route(c net.Conn) {
	defer d.wg.Done()
	var pc net.Conn
	var isGRPC bool
	var err error
	if d.tlsConfig != nil {
		pc, isGRPC, err = handshake(c, d.tlsConfig, d.peekTimeout)
	} else {
		pc, isGRPC, err = classify(c, d.peekTimeout)
	}
	d.untrack(c)
	if err != nil {
		d.log.Debug("dropping connection", "peer", c.RemoteAddr().String(), "error", err)
		c.Close()
		return
	}
	if isGRPC {
		d.grpcL.deliver(pc)
		return
	}
	d.httpL.deliver(pc)
}

// track registers c as being classified; it reports false once closed.
func (d *demux) track(c net.Conn) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	d.peeking[c] = struct{}{}
	d.wg.Add(1)
	return true
}

func (d *demux) untrack(c net.Conn) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.peeking, c)
}

func (d *demux) isClosed() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// Close stops accepting, unblocks both sub-listeners, drops connections still
// being classified and waits for their goroutines. Connections already handed
// over are left to their servers.
func (d *demux) Close() error {
	d.closeOnce.Do(func() {
		d.mu.Lock()
		d.closed = true
		close(d.done)
		for c := range d.peeking {
			c.Close()
		}
		d.mu.Unlock()
		if err := d.root.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			d.closeErr = fmt.Errorf("demux: close: %w", err)
		}
		d.wg.Wait()
	})
	return d.closeErr
}

// classify reads the start of c, under a read deadline, until it either
// matches the whole HTTP/2 preface or differs from it. It returns c with the
// bytes read put back in front.
func classify(c net.Conn, timeout time.Duration) (net.Conn, bool, error) {
	if err := c.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return nil, false, fmt.Errorf("set read deadline: %w", err)
	}
	buf := make([]byte, len(http2Preface))
	n := 0
	for n < len(buf) {
		m, err := c.Read(buf[n:])
		n += m
		if !bytes.HasPrefix([]byte(http2Preface), buf[:n]) {
			break // not HTTP/2: whatever else it is, HTTP serves it
		}
		if err != nil {
			return nil, false, fmt.Errorf("peek: %w", err)
		}
	}
	// Clearing the deadline fails only on a connection the peer already
	// closed (net.Pipe says so; TCP does not); the bytes read still belong
	// to the server that owns the connection, whose next read sees the end.
	_ = c.SetReadDeadline(time.Time{})
	isGRPC := n == len(buf) && string(buf) == http2Preface
	return &peekedConn{Conn: c, peeked: buf[:n]}, isGRPC, nil
}

// isTemporary reports whether an Accept error is worth retrying.
func isTemporary(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
