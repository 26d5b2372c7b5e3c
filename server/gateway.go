package server

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/encoding/protojson"
)

// memListenerBytes is the buffer of each direction of an in-memory
// gateway connection.
const memListenerBytes = 1 << 20

// newGatewayMux returns the gateway mux: default lowerCamelCase JSON,
// unpopulated fields left out, unknown fields rejected. Paths the gateway
// has no route for go to extra when it has one.
func newGatewayMux(extra *http.ServeMux) *runtime.ServeMux {
	marshaler := &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{
		MarshalOptions:   protojson.MarshalOptions{EmitUnpopulated: false},
		UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
	}}
	return runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, marshaler),
		runtime.WithIncomingHeaderMatcher(incomingHeader),
		runtime.WithOutgoingHeaderMatcher(outgoingHeader),
		runtime.WithErrorHandler(gatewayError),
		runtime.WithRoutingErrorHandler(routingError(extra)),
	)
}

// incomingHeader forwards the gateway defaults (permanent headers as
// grpcgateway-*, Grpc-Metadata-* stripped of the prefix; the gateway also
// passes Authorization on as authorization, the caller's bearer token),
// X-Request-Id as x-request-id, X-Gridwatch-Role, -Subject, -Units and
// -Grids in lower case: what a caller asserts itself to be to a server
// whose authentication is off (ignored when it is on), and
// X-Gridwatch-Peer, which markPeer sets, as x-gridwatch-peer.
func incomingHeader(key string) (string, bool) {
	switch k := textproto.CanonicalMIMEHeaderKey(key); k {
	case "X-Request-Id", "X-Gridwatch-Role", "X-Gridwatch-Subject", "X-Gridwatch-Units", "X-Gridwatch-Grids",
		gatewayPeerHeader:
		return strings.ToLower(k), true
	}
	return runtime.DefaultHeaderMatcher(key)
}

// outgoingHeader sends application metadata ("x-…") back as plain HTTP
// headers and everything else, such as gRPC's own content-type, under
// Grpc-Metadata-, as the gateway does by default.
func outgoingHeader(key string) (string, bool) {
	if strings.HasPrefix(strings.ToLower(key), "x-") {
		return key, true
	}
	return runtime.MetadataHeaderPrefix + key, true
}

// gatewayError is the default gateway error handler, except that a request
// body over the limit gets 413, an UNAUTHENTICATED call's 401 names the
// scheme it wants, WWW-Authenticate: Bearer (RFC 6750), where the default
// handler would put the status message, and a status with a
// google.rpc.RetryInfo (a caller over its rate limit: 429) gets a
// Retry-After header.
func gatewayError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	if bl, ok := r.Context().Value(bodyLimitKey{}).(*bodyLimit); ok && bl.exceeded.Load() {
		err = errBodyTooLarge(bl.max)
	}
	if status.Code(err) == codes.Unauthenticated {
		w = bearerChallenge{w}
	}
	if d, ok := retryDelay(err); ok {
		w.Header().Set("Retry-After", strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10))
	}
	runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, err)
}

// bearerChallenge sets WWW-Authenticate to the Bearer challenge as the
// status is written.
type bearerChallenge struct{ http.ResponseWriter }

// WriteHeader sets the challenge, then writes the status.
func (w bearerChallenge) WriteHeader(code int) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="gridwatch"`)
	w.ResponseWriter.WriteHeader(code)
}

// retryDelay returns the delay of the RetryInfo detail of err's status.
func retryDelay(err error) (time.Duration, bool) {
	st, ok := status.FromError(err)
	if !ok || st.Code() == codes.OK {
		return 0, false
	}
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay() != nil {
			return ri.GetRetryDelay().AsDuration(), true
		}
	}
	return 0, false
}

// routingError sends requests for paths the gateway has no route for to
// extra, when extra has a handler for them.
func routingError(extra *http.ServeMux) runtime.RoutingErrorHandlerFunc {
	return func(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, code int) {
		if extra != nil && code == http.StatusNotFound {
			if h, pattern := extra.Handler(r); pattern != "" {
				h.ServeHTTP(w, r)
				return
			}
		}
		runtime.DefaultRoutingErrorHandler(ctx, mux, m, w, r, code)
	}
}

// newExtraMux builds the mux of Registrar.ExtraHTTP; nil when empty.
func newExtraMux(handlers map[string]http.Handler) (*http.ServeMux, error) {
	if len(handlers) == 0 {
		return nil, nil
	}
	mux := http.NewServeMux()
	for pattern, h := range handlers {
		if err := handleSafely(mux, pattern, h); err != nil {
			return nil, err
		}
	}
	return mux, nil
}

// handleSafely registers h, turning the panic of a bad pattern into an error.
func handleSafely(mux *http.ServeMux, pattern string, h http.Handler) (err error) {
	if h == nil {
		return fmt.Errorf("ExtraHTTP %q: nil handler", pattern)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("ExtraHTTP %q: %v", pattern, p)
		}
	}()
	mux.Handle(pattern, h)
	return nil
}

// dialMem returns a client connection to the gRPC server through the
// in-memory listener mem.
func dialMem(mem *bufconn.Listener, maxMsg int) (*grpc.ClientConn, error) {
	conn, err := grpc.NewClient("passthrough:///gateway",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return mem.DialContext(ctx)
		}),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMsg), grpc.MaxCallSendMsgSize(maxMsg)),
	)
	if err != nil {
		return nil, fmt.Errorf("gateway client: %w", err)
	}
	return conn, nil
}
