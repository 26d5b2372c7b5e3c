package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/limit"
)

// frozen is a clock that never moves: buckets never refill, so tests
// count tokens exactly.
func frozen() time.Time { return time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC) }

// TestMethodRulesCoverEveryMethod: every method of gridwatch.v1 has its
// limits in methodRules, streams are charged as streams and unary calls
// as unary calls: a new RPC without a rule fails here.
func TestMethodRulesCoverEveryMethod(t *testing.T) {
	n := 0
	protoregistry.GlobalFiles.RangeFilesByPackage("gridwatch.v1", func(f protoreflect.FileDescriptor) bool {
		for i := range f.Services().Len() {
			svc := f.Services().Get(i)
			for j := range svc.Methods().Len() {
				m := svc.Methods().Get(j)
				name := fmt.Sprintf("/%s/%s", svc.FullName(), m.Name())
				n++
				r, ok := methodRules[name]
				if !ok {
					t.Errorf("%s: no rule in methodRules", name)
					continue
				}
				stream := m.IsStreamingClient() || m.IsStreamingServer()
				if isStreamRate := r.rate == rateStream || r.rate == rateUpdates; isStreamRate != stream {
					t.Errorf("%s: rate class %d, streaming %v", name, r.rate, stream)
				}
				if imp := strings.HasPrefix(string(m.Name()), "Import"); imp != (r.size == sizeImport) {
					t.Errorf("%s: size class %d", name, r.size)
				}
			}
		}
		return true
	})
	if n != len(methodRules) {
		t.Errorf("methodRules has %d rules for %d methods", len(methodRules), n)
	}
}

// dialFrom connects to addr from the local IP address ip (any of
// 127.0.0.0/8 is this host's), so that one test has callers of different
// addresses, authenticated as the volunteer "caller-<ip>".
func dialFrom(t testing.TB, addr, ip string) *grpc.ClientConn {
	t.Helper()
	return dialFromWith(t, addr, ip, callerToken(ip))
}

// callerToken is the token of the volunteer "caller-<ip>" (dialFrom).
func callerToken(ip string) string {
	return tokenFor(auth.Principal{Subject: "caller-" + ip, Role: RoleVolunteer})
}

// dialFromWith is dialFrom sending token.
func dialFromWith(t testing.TB, addr, ip, token string) *grpc.ClientConn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	conn, err := grpc.NewClient("passthrough:///"+addr,
		grpc.WithContextDialer(func(ctx context.Context, a string) (net.Conn, error) { return d.DialContext(ctx, "tcp", a) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(staticBearer(token)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// TestRateLimitIsolatesCallers: caller A, far over its limit, is refused
// with RESOURCE_EXHAUSTED and a retry hint, while every call of caller B
// (another address, the same server, interleaved) succeeds. The server is
// gridwatchd's: package server's interceptors, then the API's.
func TestRateLimitIsolatesCallers(t *testing.T) {
	const burst = 5
	s := startBenchServer(t, Config{Limits: Limits{Unary: limit.Rate{PerSecond: 1, Burst: burst}, Clock: frozen}})
	a := gridwatchv1.NewGridServiceClient(dialFrom(t, s.addr, "127.0.0.2"))
	b := gridwatchv1.NewGridServiceClient(dialFrom(t, s.addr, "127.0.0.3"))
	health := healthpb.NewHealthClient(dialFrom(t, s.addr, "127.0.0.2"))
	ctx := t.Context()
	refused := 0
	for i := range 50 {
		_, err := a.ListUnits(ctx, &gridwatchv1.ListUnitsRequest{})
		switch {
		case i < burst && err != nil:
			t.Fatalf("A's call %d, within the burst: %v", i, err)
		case i >= burst:
			wantRetryHint(t, err)
			refused++
		}
		if i%10 == 0 && i/10 < burst {
			if _, err := b.ListUnits(ctx, &gridwatchv1.ListUnitsRequest{}); err != nil {
				t.Errorf("B's call while A is refused: %v", err)
			}
		}
	}
	if refused != 50-burst {
		t.Errorf("A refused %d times, want %d", refused, 50-burst)
	}
	if _, err := health.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
		t.Errorf("health check of A, which no limit applies to: %v", err)
	}
}

// wantRetryHint fails unless err is RESOURCE_EXHAUSTED with a
// google.rpc.RetryInfo of a positive delay.
func wantRetryHint(t *testing.T, err error) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.ResourceExhausted {
		t.Fatalf("code: got %v (%v), want ResourceExhausted", st.Code(), err)
	}
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay().AsDuration() > 0 {
			return
		}
	}
	t.Errorf("no RetryInfo with a delay in %v", st.Details())
}

// TestRateLimitBySubject: an authenticated caller is limited by its
// subject, wherever it calls from; callers without a subject by address.
func TestRateLimitBySubject(t *testing.T) {
	lim := newLimiter(Limits{Unary: limit.Rate{PerSecond: 1, Burst: 2}, Bulk: limit.Rate{PerSecond: 1, Burst: 1},
		Clock: frozen})
	e := serveChain(t, []grpc.UnaryServerInterceptor{offAuth.unary, lim.unary}, nil)
	calls := []struct {
		subject string
		bulk    bool
		want    codes.Code
	}{
		{"alice", false, codes.OK},
		{"alice", false, codes.OK},
		{"alice", false, codes.ResourceExhausted},
		{"bob", false, codes.OK},
		{"alice", true, codes.InvalidArgument}, // the bulk budget is apart (the import fails its check)
		{"alice", true, codes.ResourceExhausted},
		{"", false, codes.OK}, // no subject: the address (bufconn has none)
		{"", false, codes.OK},
		{"", false, codes.ResourceExhausted},
		{"bob", false, codes.OK},
		{"bob", false, codes.ResourceExhausted},
	}
	for i, c := range calls {
		ctx := withCaller(t.Context(), "admin", c.subject)
		var err error
		if c.bulk {
			_, err = e.grids.ImportUnits(ctx, &gridwatchv1.ImportUnitsRequest{})
		} else {
			_, err = e.grids.ListUnits(ctx, &gridwatchv1.ListUnitsRequest{})
		}
		if got := status.Code(err); got != c.want {
			t.Errorf("call %d (%q): got %v (%v), want %v", i, c.subject, got, err, c.want)
		}
	}
}

// TestStreamLimits: a caller holds at most its role's number of open
// streams, opens them at most at its rate, and a location update over the
// Updates rate ends the stream with RESOURCE_EXHAUSTED after the earlier
// updates were acknowledged; other callers are unaffected.
func TestStreamLimits(t *testing.T) {
	lim := newLimiter(Limits{StreamOpens: limit.Rate{PerSecond: 1, Burst: 6}, Updates: limit.Rate{PerSecond: 1, Burst: 3},
		StreamsPerResponder: 2, StreamsPerUser: 3, Clock: frozen})
	e := serveChain(t, nil, []grpc.StreamServerInterceptor{offAuth.stream, lim.stream})
	alice := withCaller(t.Context(), "volunteer", "alice")
	s1, s2 := openReport(t, e, alice), openReport(t, e, alice)
	if err := reportOnce(e, alice); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("third stream of a responder: got %v, want ResourceExhausted", err)
	}
	closeReport(t, s1)
	s3 := openReport(t, e, alice) // one was closed: room again
	bob := withCaller(t.Context(), "dispatcher", "bob")
	for range 3 {
		openReport(t, e, bob) // a user's cap is higher
	}
	if err := reportOnce(e, bob); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("fourth stream of a user: got %v, want ResourceExhausted", err)
	}
	// alice has sent 3 updates (s1, s2, s3 one each): her burst is spent.
	if err := s2.Send(badReport(9)); err != nil {
		t.Fatal(err)
	}
	_, err := s2.Recv()
	wantRetryHint(t, err)
	// Stream opens: alice has opened 4 (the one refused by the cap
	// counts); her 5th and 6th open, but their update is refused; the 7th
	// is refused for the rate of opens.
	closeReport(t, s3)
	for i, want := range []string{"location updates", "location updates", "stream opens"} {
		err := reportOnce(e, alice)
		if status.Code(err) != codes.ResourceExhausted || !strings.Contains(statusMessage(err), want) {
			t.Errorf("stream %d: got %v, want ResourceExhausted for %s", i+5, err, want)
		}
	}
	if err := reportOnce(e, withCaller(t.Context(), "volunteer", "carol")); err != nil {
		t.Errorf("another caller: %v", err)
	}
}

// TestSizeCaps: a location update over 1 KiB ends the stream with
// INVALID_ARGUMENT naming the limit, as does a batch report or another
// request over its cap; requests under the caps pass.
func TestSizeCaps(t *testing.T) {
	e := newEnv(t) // Interceptors with the default caps
	big := "responders/" + strings.Repeat("x", DefaultMaxUpdateBytes)
	st, err := e.presence.ReportLocations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(badReport(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Recv(); err != nil {
		t.Fatalf("an update under the cap: %v", err)
	}
	if err := st.Send(&gridwatchv1.ReportLocationsRequest{Sequence: 2, Responder: big}); err != nil {
		t.Fatal(err)
	}
	_, err = st.Recv()
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(statusMessage(err), "at most 1 KiB") {
		t.Errorf("an update over the cap: got %v, want InvalidArgument naming 1 KiB", err)
	}
	_, err = e.presence.BatchReportLocations(t.Context(), &gridwatchv1.BatchReportLocationsRequest{
		Reports: []*gridwatchv1.LocationReport{{Responder: "responders/a"}, {Responder: big}}})
	wantInvalid(t, err, "reports[1]")
	_, err = e.grids.GetUnit(t.Context(), &gridwatchv1.GetUnitRequest{Name: "units/" + strings.Repeat("x", DefaultMaxRequestBytes)})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(statusMessage(err), "at most 64 KiB") {
		t.Errorf("a request over the cap: got %v, want InvalidArgument naming 64 KiB", err)
	}
	_, err = e.grids.GetUnit(t.Context(), &gridwatchv1.GetUnitRequest{Name: "units/" + strings.Repeat("x", 100)})
	if status.Code(err) != codes.NotFound {
		t.Errorf("a request under the cap: got %v, want the handler's NotFound", err)
	}
}

// staticBearer is a token sent with every call, over plain text too.
type staticBearer string

// GetRequestMetadata returns the authorization metadata.
func (t staticBearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{AuthorizationMetadataKey: "Bearer " + string(t)}, nil
}

// RequireTransportSecurity is false: the tests talk plain text to loopback.
func (staticBearer) RequireTransportSecurity() bool { return false }

// offAuth is the authentication of a server whose authentication is off:
// the caller is whoever x-gridwatch-role and -subject say (withCaller).
var offAuth = authenticator{a: AuthOff()}

// withCaller adds the role and, unless empty, the subject of an
// authentication-off caller to ctx's outgoing metadata.
func withCaller(ctx context.Context, role, subject string) context.Context {
	ctx = metadata.AppendToOutgoingContext(ctx, RoleMetadataKey, role)
	if subject != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, SubjectMetadataKey, subject)
	}
	return ctx
}

// serveChain serves the services over the memory engine behind the given
// interceptors only.
func serveChain(t *testing.T, unary []grpc.UnaryServerInterceptor, stream []grpc.StreamServerInterceptor) *env {
	t.Helper()
	return newEnvChain(t, Config{}, unary, stream)
}

// openReport opens a ReportLocations stream and waits until the server
// runs it (one rejected update, acknowledged).
func openReport(t *testing.T, e *env, ctx context.Context) gridwatchv1.PresenceService_ReportLocationsClient {
	t.Helper()
	st, err := e.presence.ReportLocations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(badReport(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Recv(); err != nil {
		t.Fatalf("first ack: %v", err)
	}
	return st
}

// reportOnce opens a stream, sends one update and returns the error of
// its ack.
func reportOnce(e *env, ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st, err := e.presence.ReportLocations(ctx)
	if err != nil {
		return err
	}
	if err := st.Send(badReport(1)); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	_, err = st.Recv()
	return err
}

// closeReport closes a stream and waits until the server has ended it.
func closeReport(t *testing.T, st gridwatchv1.PresenceService_ReportLocationsClient) {
	t.Helper()
	if err := st.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Recv(); err != io.EOF {
		t.Fatalf("closing: got %v, want EOF", err)
	}
}

// badReport is an update the server acknowledges REJECTED (no position).
func badReport(seq int64) *gridwatchv1.ReportLocationsRequest {
	return &gridwatchv1.ReportLocationsRequest{Sequence: seq, Responder: "responders/nobody"}
}
