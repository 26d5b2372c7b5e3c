package api

import (
	"context"
	"testing"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"google.golang.org/protobuf/proto"
	"math/rand/v2"
)

func BenchmarkTmpCodec(b *testing.B) {
	s := startBenchServer(b, Config{})
	s.place(b, 60_000)
	pres := gridwatchv1.NewPresenceServiceClient(s.conn)
	ctx := withRole(context.Background(), "dispatcher")
	rng := rand.New(rand.NewPCG(3, 4))
	resp, err := pres.FindResponders(ctx, &gridwatchv1.FindRespondersRequest{Point: latLngToProto(city(b).Point(rng))})
	if err != nil {
		b.Fatal(err)
	}
	buf, _ := proto.Marshal(resp)
	b.Logf("size %d", len(buf))
	b.Run("marshal", func(b *testing.B) {
		for b.Loop() {
			buf, _ = proto.Marshal(resp)
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		for b.Loop() {
			var r gridwatchv1.FindRespondersResponse
			_ = proto.Unmarshal(buf, &r)
		}
	})
}
