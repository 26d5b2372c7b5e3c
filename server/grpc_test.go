package server

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestPanicBecomesInternal(t *testing.T) {
	e := start(t, Config{}, Registrar{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := range 2 {
		err := e.conn.Invoke(ctx, probePanic, &emptypb.Empty{}, &emptypb.Empty{})
		st := status.Convert(err)
		if got, want := st.Code(), codes.Internal; got != want {
			t.Fatalf("call %d: code = %v, want %v", i, got, want)
		}
		if got, want := st.Message(), "internal error"; got != want {
			t.Fatalf("call %d: message = %q, want %q", i, got, want)
		}
	}
	var out wrapperspb.StringValue
	if err := e.conn.Invoke(ctx, probeEcho, wrapperspb.String("still up"), &out); err != nil {
		t.Fatalf("Echo after panic: %v", err)
	}
	if got, want := out.GetValue(), "still up"; got != want {
		t.Fatalf("Echo = %q, want %q", got, want)
	}
	recs := e.logs.records(t, "msg", "panic in grpc handler")
	if got, want := len(recs), 2; got != want {
		t.Fatalf("panic log records = %d, want %d", got, want)
	}
	if got, want := recs[0]["level"], "ERROR"; got != want {
		t.Errorf("panic log level = %v, want %v", got, want)
	}
	if stack, _ := recs[0]["stack"].(string); !strings.Contains(stack, "(*probe).register") {
		t.Errorf("panic log stack does not show the handler:\n%s", stack)
	}
}

func TestUnaryDeadlineCap(t *testing.T) {
	const limit = 2 * time.Second
	e := start(t, Config{MaxDeadline: limit}, Registrar{})
	tests := []struct {
		name   string
		client time.Duration // 0: no deadline
		want   time.Duration
	}{
		{"no deadline gets the cap", 0, limit},
		{"longer deadline gets the cap", time.Hour, limit},
		{"shorter deadline is kept", 500 * time.Millisecond, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.client > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.client)
				defer cancel()
			}
			var out wrapperspb.Int64Value
			if err := e.conn.Invoke(ctx, probeDeadline, &emptypb.Empty{}, &out); err != nil {
				t.Fatalf("Deadline: %v", err)
			}
			got := time.Duration(out.GetValue())
			if got > tt.want || got < tt.want-time.Second {
				t.Errorf("server-side deadline in %v, want about %v", got, tt.want)
			}
		})
	}
}

func TestUnaryDeadlineCapEndsCall(t *testing.T) {
	e := start(t, Config{MaxDeadline: 200 * time.Millisecond}, Registrar{})
	begin := time.Now()
	err := e.conn.Invoke(context.Background(), probeSleep, wrapperspb.Int64(10_000), &emptypb.Empty{})
	if got, want := status.Code(err), codes.DeadlineExceeded; got != want {
		t.Fatalf("code = %v, want %v", got, want)
	}
	if took := time.Since(begin); took > 2*time.Second {
		t.Errorf("call took %v, want about 200ms", took)
	}
	recs := e.logs.records(t, "method", probeSleep)
	if len(recs) != 1 || recs[0]["code"] != codes.DeadlineExceeded.String() {
		t.Errorf("log records for Sleep = %v, want one with code DeadlineExceeded", recs)
	}
}

func TestStreamDeadlineCap(t *testing.T) {
	tests := []struct {
		name   string
		cap    time.Duration
		client time.Duration // 0: no deadline
		want   time.Duration // -1: no deadline
	}{
		{"no cap, no deadline", 0, 0, -1},
		{"no cap keeps a long deadline", 0, time.Hour, time.Hour},
		{"cap applies without deadline", 3 * time.Second, 0, 3 * time.Second},
		{"cap applies to a longer deadline", 3 * time.Second, time.Hour, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, Config{StreamMaxDeadline: tt.cap}, Registrar{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.client > 0 {
				ctx, cancel = context.WithTimeout(ctx, tt.client)
				defer cancel()
			}
			got := firstStreamValue(t, ctx, e.conn)
			if tt.want < 0 {
				if got != -1 {
					t.Errorf("stream deadline in %v, want none", time.Duration(got))
				}
				return
			}
			if d := time.Duration(got); d > tt.want || d < tt.want-time.Second {
				t.Errorf("stream deadline in %v, want about %v", d, tt.want)
			}
		})
	}
}

// firstStreamValue opens a probe stream and returns its first message.
func firstStreamValue(t *testing.T, ctx context.Context, conn *grpc.ClientConn) int64 {
	t.Helper()
	cs, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, probeStream)
	if err != nil {
		t.Fatalf("NewStream: %v", err)
	}
	if err := cs.SendMsg(&emptypb.Empty{}); err != nil {
		t.Fatalf("SendMsg: %v", err)
	}
	if err := cs.CloseSend(); err != nil {
		t.Fatalf("CloseSend: %v", err)
	}
	var out wrapperspb.Int64Value
	if err := cs.RecvMsg(&out); err != nil {
		t.Fatalf("RecvMsg: %v", err)
	}
	return out.GetValue()
}

func TestCallLogging(t *testing.T) {
	const secret = "volunteer at 52.0907,5.1214"
	health := "/grpc.health.v1.Health/Check"
	tests := []struct {
		name      string
		deadline  time.Duration // the server's MaxDeadline, if not the default
		call      func(ctx context.Context, conn *grpc.ClientConn)
		method    string
		wantLevel string
		wantCode  string
		wantError string
	}{
		{"ok unary", 0, func(ctx context.Context, conn *grpc.ClientConn) {
			conn.Invoke(ctx, probeEcho, wrapperspb.String(secret), &wrapperspb.StringValue{})
		}, probeEcho, "DEBUG", "OK", ""},
		{"failed unary", 20 * time.Millisecond, func(ctx context.Context, conn *grpc.ClientConn) {
			// The server's deadline cap ends the call.
			conn.Invoke(ctx, probeSleep, wrapperspb.Int64(5000), &emptypb.Empty{})
		}, probeSleep, "INFO", "DeadlineExceeded", ""},
		{"slow unary", 0, func(ctx context.Context, conn *grpc.ClientConn) {
			conn.Invoke(ctx, probeSleep, wrapperspb.Int64(300), &emptypb.Empty{})
		}, probeSleep, "WARN", "OK", ""},
		{"panic", 0, func(ctx context.Context, conn *grpc.ClientConn) {
			conn.Invoke(ctx, probePanic, &emptypb.Empty{}, &emptypb.Empty{})
		}, probePanic, "ERROR", "Internal", "internal error"},
		{"health", 0, func(ctx context.Context, conn *grpc.ClientConn) {
			healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
		}, health, "DEBUG", "OK", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, Config{SlowCall: 200 * time.Millisecond, MaxDeadline: tt.deadline}, Registrar{})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			tt.call(ctx, e.conn)
			// The client can see the end of a call before the server logs it.
			var recs []map[string]any
			for deadline := time.Now().Add(2 * time.Second); len(recs) == 0 && time.Now().Before(deadline); {
				time.Sleep(5 * time.Millisecond)
				recs = callRecords(t, e.logs, tt.method)
			}
			if len(recs) != 1 {
				t.Fatalf("got %d records, want 1: %v", len(recs), recs)
			}
			checkCallRecord(t, recs[0], tt.wantLevel, tt.wantCode, tt.wantError)
			if strings.Contains(e.logs.String(), "52.0907") {
				t.Errorf("logs contain a request message:\n%s", e.logs.String())
			}
		})
	}
}

// checkCallRecord checks one per-call log record.
func checkCallRecord(t *testing.T, rec map[string]any, wantLevel, wantCode, wantError string) {
	t.Helper()
	if got := rec["level"]; got != wantLevel {
		t.Errorf("level = %v, want %v", got, wantLevel)
	}
	if got := rec["code"]; got != wantCode {
		t.Errorf("code = %v, want %v", got, wantCode)
	}
	if got, _ := rec["error"].(string); got != wantError {
		t.Errorf("error = %q, want %q", got, wantError)
	}
	if _, ok := rec["duration_ms"].(float64); !ok {
		t.Errorf("duration_ms = %v, want a number", rec["duration_ms"])
	}
	if peer, _ := rec["peer"].(string); !strings.HasPrefix(peer, "127.0.0.1:") {
		t.Errorf("peer = %q, want 127.0.0.1:port", peer)
	}
}

// callRecords returns the per-call log records of method.
func callRecords(t *testing.T, logs *logBuffer, method string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, rec := range logs.records(t, "method", method) {
		if rec["msg"] == "grpc call" {
			recs = append(recs, rec)
		}
	}
	return recs
}

// TestUnaryWhileStreamsHoldWorkers holds open more streams than the server
// has stream workers (one per CPU): unary calls must still be served, on
// goroutines of their own.
func TestUnaryWhileStreamsHoldWorkers(t *testing.T) {
	e := start(t, Config{}, Registrar{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for range 2*runtime.GOMAXPROCS(0) + 2 {
		firstStreamValue(t, ctx, e.conn) // the stream stays open until ctx ends
	}
	for i := range 10 {
		var out wrapperspb.StringValue
		if err := e.conn.Invoke(ctx, probeEcho, wrapperspb.String("x"), &out); err != nil {
			t.Fatalf("call %d with the workers held: %v", i, err)
		}
	}
}
