package server

import (
	"errors"
	"time"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultMaxDeadline     = 30 * time.Second
	DefaultShutdownTimeout = 5 * time.Second
	DefaultMaxRecvMsgBytes = 64 << 20
	DefaultReadyInterval   = 2 * time.Second
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
	// TLS, when its CertFile is set, makes the port speak TLS only.
	TLS TLSConfig
}

// withDefaults returns c with zero fields set to their defaults, or an error
// if a field is negative.
func (c Config) withDefaults() (Config, error) {
	if c.MaxDeadline < 0 || c.StreamMaxDeadline < 0 || c.ShutdownTimeout < 0 ||
		c.MaxRecvMsgBytes < 0 || c.ReadyInterval < 0 {
		return c, errors.New("server config: negative value")
	}
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
	return c, nil
}
