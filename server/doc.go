// Package server is the process plumbing of gridwatchd: it serves gRPC, an
// HTTP/JSON gateway (grpc-gateway v2), the dispatch console at /console/,
// /healthz, /readyz and Prometheus /metrics on one TCP port.
//
// # One port
//
// Serve wraps its listener in a small connection demultiplexer. Each accepted
// connection is classified in its own goroutine by peeking at its first bytes
// (a client that sends nothing is dropped after a few seconds without
// blocking anyone else): a connection that starts with the HTTP/2 client
// preface ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") is handed to the native gRPC
// transport (grpc.Server.Serve, not ServeHTTP), every other connection to an
// http.Server. As a consequence, plain-text HTTP/2 with prior knowledge
// (h2c) is always treated as gRPC; HTTP clients must speak HTTP/1.x on this
// port.
//
// # TLS
//
// With Config.TLS set, every connection is a TLS connection (1.2 or 1.3,
// forward-secret AEAD suites only), handshaken in its own goroutine under
// the same timeout, and routed by ALPN instead of by peeking: a client that
// offers only h2, as gRPC clients do, goes to the native gRPC transport; a
// client that also offers http/1.1 (browsers, curl) goes to the http.Server,
// which speaks HTTP/2 or HTTP/1.1 as negotiated and hands any gRPC request
// it gets to grpc.Server.ServeHTTP. Client certificates are off, optional
// or required (Config.TLS.ClientAuth). The certificate, key and client CA
// files are stat'ed at each handshake and read again when they change, so
// certificates rotate without a restart; files that fail to load are logged
// and the previous ones kept. The gRPC server's transport credentials only
// describe the connection the demux handed over, so handlers find the TLS
// state, and ClientCertificate the verified client certificate, in
// peer.FromContext. Without TLS, Serve warns unless it listens on loopback.
//
// # Gateway
//
// The gateway reaches the gRPC server in-process: the same grpc.Server also
// serves an in-memory listener, and the *grpc.ClientConn handed to
// Registrar.Gateway dials it, so it needs no certificate even when clients
// must present one. The gateway keeps its default lowerCamelCase
// JSON, omits unpopulated fields, rejects unknown JSON fields and streams
// server streams as newline-delimited JSON, flushed per message. Request
// bodies are limited to Config.MaxRecvMsgBytes; larger ones get 413.
//
// # Console
//
// The dispatch console (package web: static HTML, JavaScript and CSS) is
// served under /console/ on the same port; /console redirects there. The
// page calls the gateway on the same origin.
//
// # Health and readiness
//
// grpc.health.v1 and server reflection are always registered. Registrar.Ready
// is polled every Config.ReadyInterval and sets the overall ("") status and
// the status of every registered service to SERVING or NOT_SERVING. Over
// HTTP, /healthz answers 200 while the process serves and /readyz runs the
// readiness check on demand (200 or 503 with the error text).
//
// # Interceptors
//
// Every call passes, in this order, through the gateway peer (below),
// metrics, logging, panic recovery and the deadline cap, then the
// Registrar's interceptors (the API's authentication, per-caller limits
// and size caps: package api). Logging writes one line per call and never
// logs request or response messages, which may hold volunteers'
// coordinates. The line's level keeps the log readable at a city's call
// rates: successful unary calls at Debug (Config.SlowCall or slower at
// Warn), failed ones at Info, server faults at Error, streams at Info when
// they end. Calls refused with RESOURCE_EXHAUSTED (a caller over its
// limits), health checks and reflection are logged at Debug only and
// counted in the metrics, so that a hammering caller cannot flood the log.
//
// # Callers' addresses
//
// The HTTP side sets the header X-Gridwatch-Peer of every request to the
// client's address, after deleting any the client sent (also as
// Grpc-Metadata-X-Gridwatch-Peer); the gateway forwards it as metadata,
// and a call arriving on the gateway's in-process connection (and only
// there) gets that address as its peer (peer.FromContext). Logs and the
// API's per-caller limits thus see the HTTP client, not the gateway.
// Behind a reverse proxy that is the proxy's address.
//
// # Connection limits
//
// Config.MaxConcurrentStreams caps the calls open at once on one
// connection (1000; a client's further calls wait, they are not refused);
// the gateway's in-process connection is one connection for all HTTP/JSON
// calls. Keepalive is enforced: a client pinging more often than
// Config.KeepaliveMinTime (10 s) is sent GOAWAY ENHANCE_YOUR_CALM
// "too_many_pings" and disconnected; the server pings a connection silent
// for KeepaliveTime (30 s) and drops it if the answer takes longer than
// KeepaliveTimeout (10 s). MaxConnectionIdle closes connections without
// calls, MaxConnectionAge recycles old ones (after MaxConnectionAgeGrace
// for their calls); both are off unless set. A rate-limited caller gets
// RESOURCE_EXHAUSTED with a google.rpc.RetryInfo, which the gateway turns
// into HTTP 429 with Retry-After in whole seconds.
//
// # Shutdown
//
// When the context given to Serve is cancelled, every health status goes
// NOT_SERVING, the port stops accepting connections, the HTTP side and the
// gRPC side are shut down gracefully in parallel, and whatever is still
// running when Config.ShutdownTimeout has passed is forcibly closed.
package server
