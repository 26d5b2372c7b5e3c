package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	goruntime "runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"
)

// Registrar describes one set of gRPC services to mount.
type Registrar struct {
	// Register registers the gRPC service implementations on s. It must not
	// register grpc.health.v1 or reflection: the Server does.
	Register func(s *grpc.Server)
	// Gateway registers the grpc-gateway handlers (e.g. gen.RegisterXxxHandler)
	// on mux, using conn, a client connection to this same server.
	Gateway func(ctx context.Context, mux *runtime.ServeMux, conn *grpc.ClientConn) error
	// Ready reports whether the storage engine answers; nil error means ready.
	// A nil Ready means always ready.
	Ready func(ctx context.Context) error
	// ExtraHTTP, optional, maps http.ServeMux patterns (e.g. "/") to handlers
	// for the paths the gateway has no route for. /healthz, /readyz,
	// /metrics and /console/ cannot be overridden.
	ExtraHTTP map[string]http.Handler
	// Unary and Stream are interceptors run after the server's own
	// (metrics, logging, panic recovery, deadline cap), outermost first:
	// the API's authentication, authorisation and auditing.
	Unary  []grpc.UnaryServerInterceptor
	Stream []grpc.StreamServerInterceptor
}

// Server serves gRPC, the HTTP/JSON gateway, health, readiness and metrics
// on one port. Create it with New and run it once with Serve.
type Server struct {
	cfg      Config
	log      *slog.Logger
	reg      Registrar
	registry *prometheus.Registry
	grpc     *grpc.Server
	health   *health.Server
	ready    *readiness
	gateway  *runtime.ServeMux
	http     *http.Server
	tls      *tlsFiles // nil: plain text

	started atomic.Bool
	mu      sync.Mutex
	addr    net.Addr
}

// New builds a Server: gRPC server with its interceptors, health and
// reflection, the services of r, the gateway mux and the HTTP server. A nil
// log discards logs.
func New(cfg Config, log *slog.Logger, r Registrar) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	extra, err := newExtraMux(r.ExtraHTTP)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	registry := prometheus.NewRegistry()
	m, err := newMetrics(registry)
	if err != nil {
		return nil, fmt.Errorf("server: metrics: %w", err)
	}
	s := &Server{cfg: cfg, log: log, reg: r, registry: registry, gateway: newGatewayMux(extra)}
	if cfg.TLS.Enabled() {
		if s.tls, err = newTLSFiles(cfg.TLS, log); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	} else if err := cfg.TLS.validate(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.grpc = newGRPCServer(cfg, log, m, r)
	if r.Register != nil {
		r.Register(s.grpc)
	}
	if err := s.registerInfra(); err != nil {
		return nil, err
	}
	s.ready = &readiness{
		log:      log,
		health:   s.health,
		check:    r.Ready,
		services: s.serviceNames(),
		interval: cfg.ReadyInterval,
	}
	s.http = s.newHTTPServer()
	return s, nil
}

func newGRPCServer(cfg Config, log *slog.Logger, m *metrics, r Registrar) *grpc.Server {
	logging, rec := callLogger{log: log, slow: cfg.SlowCall}, recoverer{log: log}
	unaryCap, streamCap := deadlineCap{limit: cfg.MaxDeadline}, deadlineCap{limit: cfg.StreamMaxDeadline}
	gw := gatewayPeer{}
	return grpc.NewServer(
		grpc.Creds(handshakenCreds{}),
		grpc.MaxRecvMsgSize(cfg.MaxRecvMsgBytes),
		grpc.MaxConcurrentStreams(cfg.MaxConcurrentStreams),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             cfg.KeepaliveMinTime,
			PermitWithoutStream: true,
		}),
		grpc.KeepaliveParams(cfg.keepaliveParams()),
		grpc.NumStreamWorkers(uint32(goruntime.GOMAXPROCS(0))),
		grpc.ChainUnaryInterceptor(append([]grpc.UnaryServerInterceptor{gw.unary, m.unary, logging.unary, rec.unary,
			unaryCap.unary}, r.Unary...)...),
		grpc.ChainStreamInterceptor(append([]grpc.StreamServerInterceptor{gw.stream, m.stream, logging.stream, rec.stream,
			streamCap.stream}, r.Stream...)...),
	)
}

// registerInfra registers grpc.health.v1 and reflection, after checking
// that Registrar.Register did not.
func (s *Server) registerInfra() error {
	info := s.grpc.GetServiceInfo()
	for _, name := range []string{
		healthpb.Health_ServiceDesc.ServiceName,
		"grpc.reflection.v1.ServerReflection",
		"grpc.reflection.v1alpha.ServerReflection",
	} {
		if _, dup := info[name]; dup {
			return fmt.Errorf("server: Registrar.Register registered %s, which the server registers itself", name)
		}
	}
	s.health = health.NewServer()
	healthpb.RegisterHealthServer(s.grpc, s.health)
	reflection.Register(s.grpc)
	return nil
}

// serviceNames returns "" and every registered service, sorted.
func (s *Server) serviceNames() []string {
	names := []string{""}
	for name := range s.grpc.GetServiceInfo() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Registry is the Server's private Prometheus registry, served on /metrics.
// Domains may register their own collectors on it.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// Addr is the address Serve listens on, or nil before Serve is called.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}
