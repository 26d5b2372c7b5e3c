package server

import (
	"context"
	"errors"
	"io"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// BenchmarkServerStream measures server-streamed messages per second over
// the demultiplexed port, interceptors included.
func BenchmarkServerStream(b *testing.B) {
	e := start(b, Config{}, Registrar{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cs, err := e.conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, probeCount)
	if err != nil {
		b.Fatal(err)
	}
	if err := cs.SendMsg(wrapperspb.Int64(int64(b.N))); err != nil {
		b.Fatal(err)
	}
	if err := cs.CloseSend(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var msg wrapperspb.Int64Value
	for {
		if err := cs.RecvMsg(&msg); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
