package server

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestShutdown(t *testing.T) {
	const timeout = 500 * time.Millisecond
	tests := []struct {
		name     string
		open     func(t *testing.T, e *env) (after func(t *testing.T))
		min, max time.Duration
	}{
		{"idle", openNothing, 0, 300 * time.Millisecond},
		{"in-flight unary call completes", openUnary, 100 * time.Millisecond, timeout},
		{"open grpc stream is cut after the timeout", openGRPCStream, timeout, timeout + time.Second},
		{"open gateway stream is cut after the timeout", openGatewayStream, timeout, timeout + time.Second},
		{"health watchers see NOT_SERVING", openHealthWatch, 0, timeout + time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, Config{ShutdownTimeout: timeout}, Registrar{Gateway: testGateway})
			after := tt.open(t, e)
			begin := time.Now()
			if err := e.stop(); err != nil {
				t.Fatalf("Serve = %v, want nil", err)
			}
			took := time.Since(begin)
			t.Logf("Serve returned %v after cancel", took)
			if took < tt.min || took > tt.max {
				t.Errorf("Serve returned after %v, want between %v and %v", took, tt.min, tt.max)
			}
			after(t)
			if c, err := net.DialTimeout("tcp", e.addr, time.Second); err == nil {
				c.Close()
				t.Errorf("port still accepts connections after Serve returned")
			}
		})
	}
}

func TestServeWithCancelledContext(t *testing.T) {
	srv, err := New(Config{}, nil, Registrar{Register: registerProbe})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := srv.Serve(ctx, listen(t)); err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
}

func openNothing(*testing.T, *env) func(*testing.T) { return func(*testing.T) {} }

// openUnary starts a 300ms call that must complete during shutdown.
func openUnary(t *testing.T, e *env) func(*testing.T) {
	done := make(chan error, 1)
	go func() {
		done <- e.conn.Invoke(context.Background(), probeSleep, wrapperspb.Int64(300), &emptypb.Empty{})
	}()
	eventually(t, "the call to reach its handler", func() bool { return e.probe.sleeping.Load() == 1 })
	return func(t *testing.T) {
		if err := <-done; err != nil {
			t.Errorf("in-flight call = %v, want success", err)
		}
	}
}

// openGRPCStream opens a probe stream that never ends by itself.
func openGRPCStream(t *testing.T, e *env) func(*testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cs, err := e.conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, probeStream)
	if err != nil {
		t.Fatalf("NewStream: %v", err)
	}
	if err := cs.SendMsg(&emptypb.Empty{}); err != nil {
		t.Fatalf("SendMsg: %v", err)
	}
	if err := cs.RecvMsg(&wrapperspb.Int64Value{}); err != nil {
		t.Fatalf("RecvMsg: %v", err)
	}
	return func(t *testing.T) {
		err := cs.RecvMsg(&wrapperspb.Int64Value{})
		if got := status.Code(err); got != codes.Unavailable && got != codes.Canceled {
			t.Errorf("stream after shutdown: %v, want Unavailable or Canceled", err)
		}
	}
}

// openGatewayStream opens a newline-delimited JSON stream over HTTP.
func openGatewayStream(t *testing.T, e *env) func(*testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.url("/v1/health/watch"), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /v1/health/watch: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	lines := bufio.NewReader(resp.Body)
	if _, err := lines.ReadString('\n'); err != nil {
		t.Fatalf("first stream line: %v", err)
	}
	return func(*testing.T) {}
}

// openHealthWatch watches the overall health and checks that it turns
// NOT_SERVING before Serve returns.
func openHealthWatch(t *testing.T, e *env) func(*testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w, err := healthpb.NewHealthClient(e.conn).Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	if resp, err := w.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("first Watch = %v, %v; want SERVING", resp, err)
	}
	got := make(chan healthpb.HealthCheckResponse_ServingStatus, 1)
	go func() {
		resp, _ := w.Recv()
		got <- resp.GetStatus()
	}()
	return func(t *testing.T) {
		select {
		case st := <-got:
			if st != healthpb.HealthCheckResponse_NOT_SERVING {
				t.Errorf("Watch during shutdown = %v, want NOT_SERVING", st)
			}
		default:
			t.Errorf("Watch saw nothing before Serve returned, want NOT_SERVING")
		}
	}
}
