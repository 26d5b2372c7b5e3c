package main_test

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// The tests' callers, under gridwatchd's interim authentication (the
// principal the x-gridwatch-* metadata asserts): a call that names no role
// is the test operator's, an admin's; a phone watching its offers is its
// responder, a volunteer.

// asOperator adds the admin role to the outgoing metadata of ctx unless
// it names a role already.
func asOperator(ctx context.Context) context.Context {
	if md, _ := metadata.FromOutgoingContext(ctx); len(md.Get("x-gridwatch-role")) > 0 {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "x-gridwatch-role", "admin")
}

// asResponder returns ctx calling as responder id, a volunteer.
func asResponder(ctx context.Context, id string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "x-gridwatch-role", "volunteer", "x-gridwatch-subject", id)
}

// operatorOptions are the dial options that make calls the test
// operator's unless they name a role.
func operatorOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
			invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			return invoker(asOperator(ctx), method, req, reply, cc, opts...)
		}),
		grpc.WithChainStreamInterceptor(func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string,
			streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
			return streamer(asOperator(ctx), desc, cc, method, opts...)
		}),
	}
}
