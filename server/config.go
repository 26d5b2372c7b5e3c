package server

import (
	"errors"
	"math"
	"time"

	"google.golang.org/grpc/keepalive"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultMaxDeadline     = 30 * time.Second
	DefaultShutdownTimeout = 5 * time.Second
	DefaultMaxRecvMsgBytes = 64 << 20
	DefaultReadyInterval   = 2 * time.Second
	DefaultSlowCall        = time.Second

	DefaultMaxConcurrentStreams = 1000
	DefaultKeepaliveMinTime     = 10 * time.Second
	DefaultKeepaliveTime        = 30 * time.Second
	DefaultKeepaliveTimeout     = 10 * time.Second
)

// Config tunes a Server. Zero fields take their defaults.
type Config struct {
	// MaxDeadline is the server-side cap on a unary call's deadline: calls
	// with no deadline or a longer one get this one. Default 30s.
	MaxDeadline time.Duration
	// StreamMaxDeadline is the same cap for streaming calls; 0 means no cap
	// (long-lived streams are legitimate).
	StreamMaxDeadline time.Duration
	// ShutdownTimeout is how long graceful shutdown may take before
	// connections and calls are forcibly closed. Default 5s.
	ShutdownTimeout time.Duration
	// MaxRecvMsgBytes is the gRPC maximum receive message size and the HTTP
	// request body limit. Default 64 MiB.
	MaxRecvMsgBytes int
	// ReadyInterval is how often Registrar.Ready is polled to update
	// grpc.health.v1. Default 2s.
	ReadyInterval time.Duration
	// SlowCall is the duration from which a successful unary call is
	// logged at Warn (faster ones at Debug, failed ones at Info). Default 1s.
	SlowCall time.Duration
	// TLS, when its CertFile is set, makes the port speak TLS only.
	TLS TLSConfig

	// MaxConcurrentStreams caps the calls open at once on one gRPC
	// connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS): a client's
	// further calls wait for one to end. The gateway's in-process
	// connection is one connection carrying every HTTP/JSON call, so this
	// also caps those. Default 1000.
	MaxConcurrentStreams uint32
	// KeepaliveMinTime is the shortest interval between a client's pings
	// that the server tolerates; a client pinging more often is sent
	// GOAWAY (ENHANCE_YOUR_CALM, "too_many_pings") and disconnected.
	// Pings are allowed without active calls. Default 10s.
	KeepaliveMinTime time.Duration
	// KeepaliveTime is how long a connection may be silent before the
	// server pings it, and KeepaliveTimeout how long it then waits for
	// the answer before closing the connection. Defaults 30s and 10s.
	KeepaliveTime    time.Duration
	KeepaliveTimeout time.Duration
	// MaxConnectionIdle closes, with GOAWAY, a connection without calls
	// for that long; 0 never does.
	MaxConnectionIdle time.Duration
	// MaxConnectionAge sends GOAWAY to a connection that old (within
	// ±10%), so that clients reconnect and spread over the instances
	// behind a balancer; calls still open get MaxConnectionAgeGrace more
	// before the connection is closed. 0 is no limit (and no grace limit).
	MaxConnectionAge      time.Duration
	MaxConnectionAgeGrace time.Duration
}

// withDefaults returns c with zero fields set to their defaults, or an error
// if a field is negative.
func (c Config) withDefaults() (Config, error) {
	if c.MaxDeadline < 0 || c.StreamMaxDeadline < 0 || c.ShutdownTimeout < 0 ||
		c.MaxRecvMsgBytes < 0 || c.ReadyInterval < 0 || c.SlowCall < 0 ||
		c.KeepaliveMinTime < 0 || c.KeepaliveTime < 0 ||
		c.KeepaliveTimeout < 0 || c.MaxConnectionIdle < 0 || c.MaxConnectionAge < 0 || c.MaxConnectionAgeGrace < 0 {
		return c, errors.New("server config: negative value")
	}
	c.setKeepaliveDefaults()
	if c.MaxDeadline == 0 {
		c.MaxDeadline = DefaultMaxDeadline
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.MaxRecvMsgBytes == 0 {
		c.MaxRecvMsgBytes = DefaultMaxRecvMsgBytes
	}
	if c.ReadyInterval == 0 {
		c.ReadyInterval = DefaultReadyInterval
	}
	if c.SlowCall == 0 {
		c.SlowCall = DefaultSlowCall
	}
	return c, nil
}

// setKeepaliveDefaults sets the zero connection limits to their defaults.
func (c *Config) setKeepaliveDefaults() {
	if c.MaxConcurrentStreams == 0 {
		c.MaxConcurrentStreams = DefaultMaxConcurrentStreams
	}
	if c.KeepaliveMinTime == 0 {
		c.KeepaliveMinTime = DefaultKeepaliveMinTime
	}
	if c.KeepaliveTime == 0 {
		c.KeepaliveTime = DefaultKeepaliveTime
	}
	if c.KeepaliveTimeout == 0 {
		c.KeepaliveTimeout = DefaultKeepaliveTimeout
	}
}

// keepaliveParams returns the server's keepalive parameters, with 0 for
// "never" replaced by what grpc reads as never.
func (c Config) keepaliveParams() keepalive.ServerParameters {
	never := func(d time.Duration) time.Duration {
		if d == 0 {
			return time.Duration(math.MaxInt64)
		}
		return d
	}
	return keepalive.ServerParameters{
		MaxConnectionIdle:     never(c.MaxConnectionIdle),
		MaxConnectionAge:      never(c.MaxConnectionAge),
		MaxConnectionAgeGrace: never(c.MaxConnectionAgeGrace),
		Time:                  c.KeepaliveTime,
		Timeout:               c.KeepaliveTimeout,
	}
}
