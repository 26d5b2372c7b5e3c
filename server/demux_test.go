package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func TestClassify(t *testing.T) {
	const httpReq = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	tests := []struct {
		name     string
		send     string
		thenEOF  bool // close after sending; otherwise stay silent
		wantGRPC bool
		wantErr  bool
	}{
		{"grpc preface", http2Preface + "\x00\x00\x00\x04", false, true, false},
		{"http/1.1 request", httpReq, false, false, false},
		{"http/1.1 request then EOF", httpReq, true, false, false},
		{"PRI method over HTTP/1.1", "PRI * HTTP/1.1\r\n\r\n", false, false, false},
		{"one differing byte then EOF", "G", true, false, false},
		{"silent", "", false, false, true},
		{"partial preface then silent", http2Preface[:10], false, false, true},
		{"partial preface then EOF", http2Preface[:10], true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, srv := net.Pipe()
			defer client.Close()
			defer srv.Close()
			go func() {
				io.WriteString(client, tt.send)
				if tt.thenEOF {
					client.Close()
				}
			}()
			c, isGRPC, err := classify(srv, 100*time.Millisecond)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("classify error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if isGRPC != tt.wantGRPC {
				t.Errorf("isGRPC = %v, want %v", isGRPC, tt.wantGRPC)
			}
			got := make([]byte, len(tt.send))
			if _, err := io.ReadFull(c, got); err != nil {
				t.Fatalf("reading classified conn: %v", err)
			}
			if string(got) != tt.send {
				t.Errorf("classified conn reads %q, want %q", got, tt.send)
			}
		})
	}
}

// startDemux runs a demux on a real port.
func startDemux(t *testing.T, peek time.Duration) (*demux, chan error) {
	t.Helper()
	d := newDemux(listen(t), slog.New(slog.DiscardHandler), peek)
	served := make(chan error, 1)
	go func() { served <- d.serve() }()
	t.Cleanup(func() { d.Close() })
	return d, served
}

func TestDemuxRoutes(t *testing.T) {
	d, _ := startDemux(t, time.Second)
	tests := []struct {
		name string
		send string
		want *subListener
	}{
		{"grpc", http2Preface, d.grpcL},
		{"http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", d.httpL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", d.root.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			io.WriteString(c, tt.send)
			got, err := tt.want.Accept()
			if err != nil {
				t.Fatalf("Accept: %v", err)
			}
			defer got.Close()
			buf := make([]byte, len(tt.send))
			if _, err := io.ReadFull(got, buf); err != nil || string(buf) != tt.send {
				t.Errorf("routed conn reads %q, %v; want %q", buf, err, tt.send)
			}
		})
	}
}

func TestDemuxCloseUnblocksSubListeners(t *testing.T) {
	d, served := startDemux(t, time.Minute)
	silent, err := net.Dial("tcp", d.root.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	eventually(t, "the silent conn to be accepted", func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return len(d.peeking) == 1
	})
	accepted := make(chan error, 2)
	for _, l := range []*subListener{d.grpcL, d.httpL} {
		go func() {
			_, err := l.Accept()
			accepted <- err
		}()
	}
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for range 2 {
		select {
		case err := <-accepted:
			if !errors.Is(err, net.ErrClosed) {
				t.Errorf("Accept = %v, want net.ErrClosed", err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("Accept still blocked after Close")
		}
	}
	if err := <-served; err != nil {
		t.Errorf("serve = %v, want nil", err)
	}
	silent.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := silent.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("silent conn read = %v, want EOF: Close should drop it", err)
	}
}

func TestDemuxDropsSilentConn(t *testing.T) {
	d, _ := startDemux(t, 100*time.Millisecond)
	c, err := net.Dial("tcp", d.root.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	begin := time.Now()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("read = %v, want EOF", err)
	}
	if took := time.Since(begin); took < 50*time.Millisecond || took > 2*time.Second {
		t.Errorf("silent conn dropped after %v, want about 100ms", took)
	}
}

func TestStalledClientsDoNotBlockOthers(t *testing.T) {
	e := start(t, Config{}, Registrar{})
	tests := []struct {
		name string
		send string
	}{
		{"sends nothing", ""},
		{"sends part of the preface", http2Preface[:8]},
		{"sends part of an HTTP request", "GET /heal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 3 {
				c, err := net.Dial("tcp", e.addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				io.WriteString(c, tt.send)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			fresh := dial(t, e.addr) // a new connection must get through
			if _, err := healthpb.NewHealthClient(fresh).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
				t.Errorf("gRPC call behind stalled clients: %v", err)
			}
			client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := client.Get(e.url("/healthz"))
			if err != nil {
				t.Fatalf("HTTP call behind stalled clients: %v", err)
			}
			resp.Body.Close()
		})
	}
}
