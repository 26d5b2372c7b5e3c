package server

import (
	"net"
	"sync"
)

// subListener is one side of a demux: a net.Listener fed by the demux.
type subListener struct {
	d     *demux
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newSubListener(d *demux) *subListener {
	return &subListener{d: d, conns: make(chan net.Conn), done: make(chan struct{})}
}

// Accept waits for the next connection routed here. It fails with
// net.ErrClosed once this sub-listener or its demux is closed.
func (l *subListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	case <-l.d.done:
		return nil, net.ErrClosed
	}
}

// Close closes this side only; the demux drops connections routed here from
// now on.
func (l *subListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr is the address of the demultiplexed listener.
func (l *subListener) Addr() net.Addr { return l.d.root.Addr() }

// deliver hands c to Accept, or closes it if nobody will accept it.
func (l *subListener) deliver(c net.Conn) {
	select {
	case l.conns <- c:
	case <-l.done:
		c.Close()
	case <-l.d.done:
		c.Close()
	}
}

// peekedConn is a connection whose first bytes were already read.
type peekedConn struct {
	net.Conn
	peeked []byte
}

// Read returns the peeked bytes first, then reads from the connection.
func (c *peekedConn) Read(p []byte) (int, error) {
	if len(c.peeked) > 0 {
		n := copy(p, c.peeked)
		c.peeked = c.peeked[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}
