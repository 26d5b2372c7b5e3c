package server

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// testGateway mounts hand-written gateway handlers, shaped like generated
// ones, since no generated gateway code exists yet:
//
//	POST /v1/health/check  grpc.health.v1.Health/Check
//	GET  /v1/health/watch  grpc.health.v1.Health/Watch (server stream)
//	POST /v1/echo          the probe's Echo
func testGateway(_ context.Context, mux *runtime.ServeMux, conn *grpc.ClientConn) error {
	health := healthpb.NewHealthClient(conn)
	routes := []struct {
		method, path string
		h            runtime.HandlerFunc
	}{
		{"POST", "/v1/health/check", unaryRoute(mux, "/grpc.health.v1.Health/Check",
			func(ctx context.Context, in *healthpb.HealthCheckRequest, opts ...grpc.CallOption) (proto.Message, error) {
				return health.Check(ctx, in, opts...)
			})},
		{"POST", "/v1/echo", unaryRoute(mux, probeEcho,
			func(ctx context.Context, in *wrapperspb.StringValue, opts ...grpc.CallOption) (proto.Message, error) {
				out := &wrapperspb.StringValue{}
				return out, conn.Invoke(ctx, probeEcho, in, out, opts...)
			})},
		{"GET", "/v1/health/watch", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
			_, out := runtime.MarshalerForRequest(mux, r)
			ctx, err := runtime.AnnotateContext(r.Context(), mux, r, "/grpc.health.v1.Health/Watch")
			if err != nil {
				runtime.HTTPError(ctx, mux, out, w, r, err)
				return
			}
			stream, err := health.Watch(ctx, &healthpb.HealthCheckRequest{})
			if err != nil {
				runtime.HTTPError(ctx, mux, out, w, r, err)
				return
			}
			ctx = runtime.NewServerMetadataContext(ctx, runtime.ServerMetadata{})
			runtime.ForwardResponseStream(ctx, mux, out, w, r, func() (proto.Message, error) { return stream.Recv() })
		}},
	}
	for _, rt := range routes {
		if err := mux.HandlePath(rt.method, rt.path, rt.h); err != nil {
			return err
		}
	}
	return nil
}

// unaryRoute is what protoc-gen-grpc-gateway generates for a unary call
// with body "*".
func unaryRoute[T any, PT interface {
	*T
	proto.Message
}](mux *runtime.ServeMux, method string, call func(context.Context, PT, ...grpc.CallOption) (proto.Message, error)) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		in, out := runtime.MarshalerForRequest(mux, r)
		ctx, err := runtime.AnnotateContext(r.Context(), mux, r, method)
		if err != nil {
			runtime.HTTPError(ctx, mux, out, w, r, err)
			return
		}
		req := PT(new(T))
		if err := in.NewDecoder(r.Body).Decode(req); err != nil && !errors.Is(err, io.EOF) {
			runtime.HTTPError(ctx, mux, out, w, r, status.Errorf(codes.InvalidArgument, "%v", err))
			return
		}
		var md runtime.ServerMetadata
		resp, err := call(ctx, req, grpc.Header(&md.HeaderMD), grpc.Trailer(&md.TrailerMD))
		ctx = runtime.NewServerMetadataContext(ctx, md)
		if err != nil {
			runtime.HTTPError(ctx, mux, out, w, r, err)
			return
		}
		runtime.ForwardResponseMessage(ctx, mux, out, w, r, resp)
	}
}
