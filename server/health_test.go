package server

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
)

func TestFirstReadinessCheckBeforeServing(t *testing.T) {
	tests := []struct {
		name  string
		ready error
		want  healthpb.HealthCheckResponse_ServingStatus
	}{
		{"ready", nil, healthpb.HealthCheckResponse_SERVING},
		{"not ready", errors.New("storage down"), healthpb.HealthCheckResponse_NOT_SERVING},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ready := func(context.Context) error { return tt.ready }
			// No polling during the test: only the first, synchronous check counts.
			e := start(t, Config{ReadyInterval: time.Hour}, Registrar{Ready: ready})
			for _, svc := range []string{"", probeService} {
				if got := e.healthStatus(t, svc); got != tt.want {
					t.Errorf("health(%q) = %v, want %v", svc, got, tt.want)
				}
			}
		})
	}
}

func TestHealthFollowsReady(t *testing.T) {
	e := start(t, Config{ReadyInterval: 20 * time.Millisecond}, Registrar{})
	steps := []struct {
		name  string
		ready error
		want  healthpb.HealthCheckResponse_ServingStatus
	}{
		{"ready", nil, healthpb.HealthCheckResponse_SERVING},
		{"storage fails", errors.New("storage down"), healthpb.HealthCheckResponse_NOT_SERVING},
		{"storage recovers", nil, healthpb.HealthCheckResponse_SERVING},
	}
	for _, st := range steps {
		e.ready.set(st.ready)
		for _, svc := range []string{"", probeService, healthpb.Health_ServiceDesc.ServiceName} {
			eventually(t, st.name+": health of "+svc+" is "+st.want.String(), func() bool {
				return e.healthStatus(t, svc) == st.want
			})
		}
	}
}

func TestReflectionListsServices(t *testing.T) {
	e := start(t, Config{}, Registrar{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stream, err := reflectionpb.NewServerReflectionClient(e.conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatalf("ServerReflectionInfo: %v", err)
	}
	req := &reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{},
	}
	if err := stream.Send(req); err != nil {
		t.Fatalf("Send: %v", err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	var got []string
	for _, svc := range resp.GetListServicesResponse().GetService() {
		got = append(got, svc.GetName())
	}
	for _, want := range []string{
		probeService,
		"grpc.health.v1.Health",
		"grpc.reflection.v1.ServerReflection",
		"grpc.reflection.v1alpha.ServerReflection",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("services = %v, want %s among them", got, want)
		}
	}
}
