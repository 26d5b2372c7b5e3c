package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
)

// handshakenCreds are the gRPC server's transport credentials: the demux
// has already run any TLS handshake, so they only describe the connection.
// A *tls.Conn yields credentials.TLSInfo, which handlers find in
// peer.FromContext(ctx).AuthInfo with the client's verified certificate
// chains; any other connection (plain text, the gateway's in-memory one)
// yields an AuthInfo of type "insecure".
type handshakenCreds struct{}

// plainInfo is the AuthInfo of a connection without TLS.
type plainInfo struct{ credentials.CommonAuthInfo }

func (plainInfo) AuthType() string { return "insecure" }

func (handshakenCreds) ServerHandshake(c net.Conn) (net.Conn, credentials.AuthInfo, error) {
	if tc, ok := c.(*tls.Conn); ok {
		return c, credentials.TLSInfo{
			State:          tc.ConnectionState(),
			CommonAuthInfo: credentials.CommonAuthInfo{SecurityLevel: credentials.PrivacyAndIntegrity},
		}, nil
	}
	return c, plainInfo{credentials.CommonAuthInfo{SecurityLevel: credentials.NoSecurity}}, nil
}

func (handshakenCreds) ClientHandshake(context.Context, string, net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return nil, nil, errors.New("server credentials used by a client")
}

func (handshakenCreds) Info() credentials.ProtocolInfo {
	return credentials.ProtocolInfo{SecurityProtocol: "handshaken"}
}

func (c handshakenCreds) Clone() credentials.TransportCredentials { return c }

func (handshakenCreds) OverrideServerName(string) error { return nil }

// ClientCertificate returns the verified certificate of the client of a
// gRPC call that came over mutual TLS, or nil: no TLS, no client
// certificate, or a call through the HTTP gateway (whose calls reach the
// gRPC server in-process). It is the seam by which a client certificate
// could identify a caller, such as a field device.
func ClientCertificate(ctx context.Context) *x509.Certificate {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return nil
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.VerifiedChains) == 0 || len(info.State.VerifiedChains[0]) == 0 {
		return nil
	}
	return info.State.VerifiedChains[0][0]
}

// grpcOverHTTP2 sends gRPC requests that reached the HTTP server, over
// HTTP/2 with TLS, to grpc.Server.ServeHTTP: a gRPC client that offered
// http/1.1 in ALPN as well as h2 still works, on grpc-go's slower HTTP
// transport. Everything else goes to next.
func grpcOverHTTP2(g *grpc.Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor == 2 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc") {
			g.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
