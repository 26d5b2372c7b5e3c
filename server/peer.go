package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// The HTTP side tells the gRPC side, through the gateway, whom a call came
// from in this header (metadata key), which it sets itself on every
// request after deleting whatever the client sent under that name.
const (
	gatewayPeerHeader = "X-Gridwatch-Peer"
	gatewayPeerKey    = "x-gridwatch-peer"
)

// gatewayAddr is the peer address of the gateway's in-process connection.
type gatewayAddr struct{}

func (gatewayAddr) Network() string { return "gateway" }
func (gatewayAddr) String() string  { return "gateway" }

// gatewayListener is the in-memory listener of the gateway's connection,
// whose connections name gatewayAddr as their peer: only calls from it
// may say whom they come from.
type gatewayListener struct{ net.Listener }

// Accept returns the next connection, marked as the gateway's.
func (l gatewayListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return gatewayConn{c}, nil
}

type gatewayConn struct{ net.Conn }

func (gatewayConn) RemoteAddr() net.Addr { return gatewayAddr{} }

// markPeer sets the gateway peer header of r to r's remote address,
// dropping any the client sent (directly or as Grpc-Metadata-).
func markPeer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del(gatewayPeerHeader)
		r.Header.Del("Grpc-Metadata-" + gatewayPeerHeader)
		r.Header.Set(gatewayPeerHeader, r.RemoteAddr)
		next.ServeHTTP(w, r)
	})
}

// gatewayPeer gives calls that came through the gateway the HTTP client's
// address as their peer (peer.FromContext), so that logs and per-caller
// limits see the client rather than the gateway. Calls from anywhere else
// keep their own.
type gatewayPeer struct{}

func (gatewayPeer) context(ctx context.Context) context.Context {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return ctx
	}
	if _, gw := p.Addr.(gatewayAddr); !gw {
		return ctx
	}
	vals := metadata.ValueFromIncomingContext(ctx, gatewayPeerKey)
	if len(vals) != 1 {
		return ctx
	}
	ap, err := netip.ParseAddrPort(vals[0])
	if err != nil {
		return ctx
	}
	client := *p
	client.Addr = net.TCPAddrFromAddrPort(ap)
	return peer.NewContext(ctx, &client)
}

func (g gatewayPeer) unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	return handler(g.context(ctx), req)
}

func (g gatewayPeer) stream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx := g.context(ss.Context())
	if ctx == ss.Context() {
		return handler(srv, ss)
	}
	return handler(srv, &ctxStream{ServerStream: ss, ctx: ctx})
}
