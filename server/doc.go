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
// # Gateway
//
// The gateway reaches the gRPC server in-process: the same grpc.Server also
// serves an in-memory listener, and the *grpc.ClientConn handed to
// Registrar.Gateway dials it. The gateway keeps its default lowerCamelCase
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
// Every call passes, in this order, through metrics, logging, panic recovery
// and the deadline cap. Logging writes one line per call and never logs
// request or response messages, which may hold volunteers' coordinates.
//
// # Shutdown
//
// When the context given to Serve is cancelled, every health status goes
// NOT_SERVING, the port stops accepting connections, the HTTP side and the
// gRPC side are shut down gracefully in parallel, and whatever is still
// running when Config.ShutdownTimeout has passed is forcibly closed.
package server
