package server

import (
	"context"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// probe is a hand-written test service, since no generated API exists yet.
const probeService = "gridwatch.test.v1.Probe"

// Full method names of the probe service.
const (
	probePanic    = "/" + probeService + "/Panic"
	probeDeadline = "/" + probeService + "/Deadline"
	probeSleep    = "/" + probeService + "/Sleep"
	probeEcho     = "/" + probeService + "/Echo"
	probeStream   = "/" + probeService + "/Stream"
	probeCount    = "/" + probeService + "/Count"
	probePeer     = "/" + probeService + "/Peer"
)

// panicText is what Panic panics with; clients must never see it.
const panicText = "boom at 52.3702,4.8952"

// probe implements the probe service.
type probe struct {
	sleeping atomic.Int32 // Sleep calls under way
}

// registerProbe registers a fresh probe on s.
func registerProbe(s *grpc.Server) { new(probe).register(s) }

func (p *probe) register(s *grpc.Server) {
	s.RegisterService(&grpc.ServiceDesc{
		ServiceName: probeService,
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{
			unaryMethod("Panic", func(context.Context, *emptypb.Empty) (proto.Message, error) {
				panic(panicText)
			}),
			unaryMethod("Deadline", func(ctx context.Context, _ *emptypb.Empty) (proto.Message, error) {
				return wrapperspb.Int64(remaining(ctx)), nil
			}),
			unaryMethod("Sleep", func(ctx context.Context, in *wrapperspb.Int64Value) (proto.Message, error) {
				p.sleeping.Add(1)
				defer p.sleeping.Add(-1)
				select {
				case <-time.After(time.Duration(in.GetValue()) * time.Millisecond):
					return &emptypb.Empty{}, nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}),
			unaryMethod("Echo", func(ctx context.Context, in *wrapperspb.StringValue) (proto.Message, error) {
				md, _ := metadata.FromIncomingContext(ctx)
				if id := md.Get("x-request-id"); len(id) > 0 {
					grpc.SetHeader(ctx, metadata.Pairs("x-request-id", id[0]))
				}
				return in, nil
			}),
			unaryMethod("Peer", func(ctx context.Context, _ *emptypb.Empty) (proto.Message, error) {
				if c := ClientCertificate(ctx); c != nil {
					return wrapperspb.String(c.Subject.CommonName), nil
				}
				return wrapperspb.String(""), nil
			}),
		},
		Streams: []grpc.StreamDesc{{
			StreamName:    "Stream",
			ServerStreams: true,
			Handler:       streamDeadline,
		}, {
			StreamName:    "Count",
			ServerStreams: true,
			Handler:       streamCount,
		}},
	}, struct{}{})
}

// streamDeadline sends the remaining time of its deadline, then holds the
// stream open until its context ends.
func streamDeadline(_ any, ss grpc.ServerStream) error {
	if err := ss.RecvMsg(&emptypb.Empty{}); err != nil {
		return err
	}
	if err := ss.SendMsg(wrapperspb.Int64(remaining(ss.Context()))); err != nil {
		return err
	}
	<-ss.Context().Done()
	return ss.Context().Err()
}

// streamCount sends the numbers 1..n.
func streamCount(_ any, ss grpc.ServerStream) error {
	var n wrapperspb.Int64Value
	if err := ss.RecvMsg(&n); err != nil {
		return err
	}
	for i := range n.GetValue() {
		if err := ss.SendMsg(wrapperspb.Int64(i + 1)); err != nil {
			return err
		}
	}
	return nil
}

// remaining is the time left before ctx's deadline in nanoseconds, or -1.
func remaining(ctx context.Context) int64 {
	dl, ok := ctx.Deadline()
	if !ok {
		return -1
	}
	return int64(time.Until(dl))
}

// unaryMethod adapts fn to a grpc.MethodDesc, as generated code does.
func unaryMethod[T any, PT interface {
	*T
	proto.Message
}](name string, fn func(context.Context, PT) (proto.Message, error)) grpc.MethodDesc {
	return grpc.MethodDesc{
		MethodName: name,
		Handler: func(srv any, ctx context.Context, dec func(any) error, ic grpc.UnaryServerInterceptor) (any, error) {
			in := PT(new(T))
			if err := dec(in); err != nil {
				return nil, err
			}
			h := func(ctx context.Context, req any) (any, error) { return fn(ctx, req.(PT)) }
			if ic == nil {
				return h(ctx, in)
			}
			info := &grpc.UnaryServerInfo{Server: srv, FullMethod: "/" + probeService + "/" + name}
			return ic(ctx, in, info, h)
		},
	}
}
