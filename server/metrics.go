package server

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// metrics holds the gRPC collectors of one Server.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	streams  *prometheus.GaugeVec
}

// newMetrics registers the Go, process and gRPC collectors on reg.
func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridwatch_grpc_requests_total",
			Help: "gRPC calls completed, by full method and status code.",
		}, []string{"method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gridwatch_grpc_request_duration_seconds",
			Help:    "Duration of completed gRPC calls, streams included, by full method.",
			Buckets: durationBuckets(),
		}, []string{"method"}),
		streams: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gridwatch_grpc_streams_active",
			Help: "gRPC streams currently open, by full method.",
		}, []string{"method"}),
	}
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.streams,
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register collector: %w", err)
		}
	}
	return m, nil
}

// durationBuckets spans 50µs to 10s in 1-2.5-5 steps.
func durationBuckets() []float64 {
	return []float64{
		50e-6, 100e-6, 250e-6, 500e-6,
		.001, .0025, .005, .01, .025, .05, .1, .25, .5,
		1, 2.5, 5, 10,
	}
}

func (m *metrics) observe(method string, err error, start time.Time) {
	m.requests.WithLabelValues(method, status.Code(err).String()).Inc()
	m.duration.WithLabelValues(method).Observe(time.Since(start).Seconds())
}

func (m *metrics) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	start := time.Now()
	resp, err := handler(ctx, req)
	m.observe(info.FullMethod, err, start)
	return resp, err
}

func (m *metrics) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	start := time.Now()
	active := m.streams.WithLabelValues(info.FullMethod)
	active.Inc()
	defer active.Dec()
	err := handler(srv, ss)
	m.observe(info.FullMethod, err, start)
	return err
}
