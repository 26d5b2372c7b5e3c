package server

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

func TestGatewayJSON(t *testing.T) {
	mux := newGatewayMux(nil)
	in, out := runtime.MarshalerForRequest(mux, httptest.NewRequest("POST", "/", nil))
	marshalTests := []struct {
		name string
		msg  proto.Message
		want string
	}{
		{"unpopulated fields left out", &healthpb.HealthCheckResponse{}, `{}`},
		{"lowerCamelCase names", &descriptorpb.FieldDescriptorProto{TypeName: proto.String("x")}, `{"typeName":"x"}`},
	}
	for _, tt := range marshalTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := out.Marshal(tt.msg)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal = %s, want %s", got, tt.want)
			}
		})
	}
	unmarshalTests := []struct {
		name    string
		body    string
		wantErr bool
	}{
		{"known field", `{"service":"x"}`, false},
		{"unknown field is an error", `{"service":"x","bogus":true}`, true},
	}
	for _, tt := range unmarshalTests {
		t.Run(tt.name, func(t *testing.T) {
			err := in.NewDecoder(strings.NewReader(tt.body)).Decode(&healthpb.HealthCheckRequest{})
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Errorf("Decode(%s) = %v, want error %v", tt.body, err, tt.wantErr)
			}
		})
	}
}

func TestHeaderMatchers(t *testing.T) {
	tests := []struct {
		name     string
		match    func(string) (string, bool)
		key      string
		wantKey  string
		wantPass bool
	}{
		{"request id goes in", incomingHeader, "X-Request-Id", "x-request-id", true},
		{"role goes in", incomingHeader, "x-gridwatch-role", "x-gridwatch-role", true},
		{"subject goes in", incomingHeader, "X-Gridwatch-Subject", "x-gridwatch-subject", true},
		{"units go in", incomingHeader, "X-Gridwatch-Units", "x-gridwatch-units", true},
		{"grids go in", incomingHeader, "X-Gridwatch-Grids", "x-gridwatch-grids", true},
		{"the gateway's peer goes in", incomingHeader, "X-Gridwatch-Peer", "x-gridwatch-peer", true},
		{"permanent header goes in prefixed", incomingHeader, "Authorization", "grpcgateway-Authorization", true},
		{"Grpc-Metadata- prefix is stripped", incomingHeader, "Grpc-Metadata-Trace", "Trace", true},
		{"other headers stay out", incomingHeader, "X-Other", "", false},
		{"application metadata comes out as is", outgoingHeader, "x-request-id", "x-request-id", true},
		{"grpc metadata comes out prefixed", outgoingHeader, "content-type", "Grpc-Metadata-content-type", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotKey, gotPass := tt.match(tt.key)
			if gotKey != tt.wantKey || gotPass != tt.wantPass {
				t.Errorf("match(%q) = %q, %v; want %q, %v", tt.key, gotKey, gotPass, tt.wantKey, tt.wantPass)
			}
		})
	}
}
