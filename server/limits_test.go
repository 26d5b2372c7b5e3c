package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// HTTP/2 frame types and codes the ping test speaks (RFC 9113).
const (
	frameSettings        = 0x4
	framePing            = 0x6
	frameGoAway          = 0x7
	codeEnhanceYourCalm  = 0xb
	http2ClientPreface   = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
	http2FrameHeaderSize = 9
)

// writeFrame writes one HTTP/2 frame on stream 0.
func writeFrame(w io.Writer, typ, flags byte, payload []byte) error {
	hdr := make([]byte, http2FrameHeaderSize, http2FrameHeaderSize+len(payload))
	hdr[0], hdr[1], hdr[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
	hdr[3], hdr[4] = typ, flags
	_, err := w.Write(append(hdr, payload...))
	return err
}

// readFrame reads one HTTP/2 frame.
func readFrame(r io.Reader) (typ byte, payload []byte, err error) {
	var hdr [http2FrameHeaderSize]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	payload = make([]byte, int(hdr[0])<<16|int(hdr[1])<<8|int(hdr[2]))
	_, err = io.ReadFull(r, payload)
	return hdr[3], payload, err
}

// TestTooManyPingsDisconnects: a client pinging more often than
// KeepaliveMinTime gets GOAWAY ENHANCE_YOUR_CALM "too_many_pings" and is
// disconnected. The client is raw HTTP/2: grpc-go's own client will not
// ping more often than every 10 s.
func TestTooManyPingsDisconnects(t *testing.T) {
	e := start(t, Config{KeepaliveMinTime: time.Hour}, Registrar{})
	conn, err := net.DialTimeout("tcp", e.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, http2ClientPreface); err != nil {
		t.Fatal(err)
	}
	if err := writeFrame(conn, frameSettings, 0, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := writeFrame(conn, framePing, 0, binary.BigEndian.AppendUint64(nil, uint64(i))); err != nil {
			t.Fatalf("ping %d: %v", i, err)
		}
	}
	for {
		typ, payload, err := readFrame(conn)
		if err != nil {
			t.Fatalf("connection ended without GOAWAY: %v", err)
		}
		if typ != frameGoAway {
			continue
		}
		if len(payload) < 8 {
			t.Fatalf("GOAWAY payload %x", payload)
		}
		if code := binary.BigEndian.Uint32(payload[4:8]); code != codeEnhanceYourCalm {
			t.Errorf("GOAWAY code %#x, want ENHANCE_YOUR_CALM", code)
		}
		if debug := string(payload[8:]); debug != "too_many_pings" {
			t.Errorf("GOAWAY debug data %q, want too_many_pings", debug)
		}
		break
	}
	if _, err := io.Copy(io.Discard, conn); err != nil {
		t.Errorf("after GOAWAY: %v, want the server to close the connection", err)
	}
}

// TestMaxConcurrentStreams: with one stream allowed per connection, a
// second call waits until the first ends.
func TestMaxConcurrentStreams(t *testing.T) {
	e := start(t, Config{MaxConcurrentStreams: 1}, Registrar{})
	ctx, cancel := context.WithCancel(t.Context())
	firstStreamValue(t, ctx, e.conn) // holds the stream open until cancel
	short, stop := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer stop()
	err := e.conn.Invoke(short, probeEcho, wrapperspb.String("x"), &wrapperspb.StringValue{})
	if status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("second call while the first is open: got %v, want DeadlineExceeded", err)
	}
	cancel()
	if err := e.conn.Invoke(t.Context(), probeEcho, wrapperspb.String("x"), &wrapperspb.StringValue{}); err != nil {
		t.Errorf("call after the first ended: %v", err)
	}
}

// TestGatewayPeer: a call through the gateway has the HTTP client's
// address as its peer, whatever the client claims in the header.
func TestGatewayPeer(t *testing.T) {
	e := start(t, Config{}, Registrar{Gateway: testGateway})
	req, err := http.NewRequest("POST", e.url("/v1/echo"), strings.NewReader(`"hi"`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Gridwatch-Peer", "6.6.6.6:1")
	req.Header.Set("Grpc-Metadata-X-Gridwatch-Peer", "6.6.6.6:2")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	recs := callRecords(t, e.logs, probeEcho)
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	if p, _ := recs[0]["peer"].(string); !strings.HasPrefix(p, "127.0.0.1:") {
		t.Errorf("peer of a gateway call = %q, want the HTTP client's 127.0.0.1:port", p)
	}
	// A direct gRPC client cannot name a peer.
	ctx := metadata.AppendToOutgoingContext(t.Context(), "x-gridwatch-peer", "6.6.6.6:3")
	if err := e.conn.Invoke(ctx, probeEcho, wrapperspb.String("x"), &wrapperspb.StringValue{}); err != nil {
		t.Fatal(err)
	}
	if recs := callRecords(t, e.logs, probeEcho); len(recs) != 2 || strings.HasPrefix(recs[1]["peer"].(string), "6.6.6.6") {
		t.Errorf("records of a direct call naming a peer: %v", recs)
	}
}

// TestGatewayRetryAfter: a refusal with a google.rpc.RetryInfo becomes
// HTTP 429 with Retry-After in whole seconds, rounded up; the refusal is
// logged at Debug.
func TestGatewayRetryAfter(t *testing.T) {
	refuse := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if v, ok := req.(*wrapperspb.StringValue); ok && v.GetValue() == "refuse" {
			st, _ := status.New(codes.ResourceExhausted, "rate limit").WithDetails(
				&errdetails.RetryInfo{RetryDelay: durationpb.New(1500 * time.Millisecond)})
			return nil, st.Err()
		}
		return h(ctx, req)
	}
	e := start(t, Config{}, Registrar{Gateway: testGateway, Unary: []grpc.UnaryServerInterceptor{refuse}})
	resp, err := http.Post(e.url("/v1/echo"), "application/json", bytes.NewReader([]byte(`"refuse"`)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("got %d, Retry-After %q; want 429, 2", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if recs := callRecords(t, e.logs, probeEcho); len(recs) != 1 || recs[0]["level"] != "DEBUG" {
		t.Errorf("log records of the refusal: %v, want one at DEBUG", recs)
	}
	resp, err = http.Post(e.url("/v1/echo"), "application/json", bytes.NewReader([]byte(`"fine"`)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Retry-After") != "" {
		t.Errorf("got %d, Retry-After %q; want 200 without", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
