package api

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
)

// DefaultMaxImportBytes is the default cap on the data of one import.
const DefaultMaxImportBytes = 48 << 20

// Config holds the API's limits. Zero fields take defaults.
type Config struct {
	// Auth says how calls are authenticated (Interceptors): TokenAuth with
	// the server's key ring, or AuthOff. The zero value refuses every call
	// but health checks and reflection.
	Auth Authentication
	// MaxImportBytes caps the geojson or data field of one import
	// (default 48 MiB). The gRPC server's own receive limit must be above
	// it for the cap to be reached.
	MaxImportBytes int
	// MaxRequestBytes caps every other request (default 64 KiB), and
	// MaxUpdateBytes each location update: a ReportLocations message, a
	// report of BatchReportLocations (default 1 KiB). Both are of the
	// protobuf encoding, whichever way the request came.
	MaxRequestBytes int
	MaxUpdateBytes  int
	// Limits are the per-caller rate limits and caps on open streams;
	// the zero Limits limits nothing.
	Limits Limits
	// Logger receives the internal errors whose text clients never see;
	// nil discards them.
	Logger *slog.Logger
	// Grid is the grid service Register serves, which the authorizer of
	// Interceptors reads grids, units and responders from to decide what
	// lies in a caller's scope. Without it a rule that needs a lookup
	// fails (INTERNAL) for everyone but admins and responders acting for
	// themselves.
	Grid *grid.Service
	// Dispatch, when set, serves DispatchService; its EventSink must be
	// Events for the Watch streams to see anything.
	Dispatch *dispatch.Service
	// Events feeds WatchOffers and WatchIncidents; nil with Dispatch set
	// makes the Watch streams see nothing (a fresh broadcaster is used).
	Events *Broadcaster
	// Arrivals, when set, sees every applied position update (the dispatch
	// on-scene check).
	Arrivals ArrivalObserver
	// Audit, when set, records the audit trail (Interceptors adds the
	// interceptor) and serves AuditService. Nil records nothing: only
	// tests and tools leave it nil; gridwatchd always sets it.
	Audit *audit.Recorder

	// streamAckBatch caps the acks of one ReportLocations response
	// (default 256); tests and benchmarks set it.
	streamAckBatch int
}

// ackBatch returns the cap on the acks of one ReportLocations response.
func (c Config) ackBatch() int {
	if c.streamAckBatch <= 0 {
		return defaultAckBatch
	}
	return c.streamAckBatch
}

func (c Config) withDefaults() Config {
	if c.MaxImportBytes <= 0 {
		c.MaxImportBytes = DefaultMaxImportBytes
	}
	if c.Events == nil {
		c.Events = NewBroadcaster(0)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Register registers GridService and RosterService, served by svc, and
// PresenceService, served by pres, on s. A nil pres leaves PresenceService
// out.
func Register(s *grpc.Server, svc *grid.Service, pres Presence, cfg Config) {
	b := base{svc: svc, cfg: cfg.withDefaults()}
	gridwatchv1.RegisterGridServiceServer(s, &gridServer{base: b})
	gridwatchv1.RegisterRosterServiceServer(s, &rosterServer{base: b})
	if pres != nil {
		gridwatchv1.RegisterPresenceServiceServer(s, &presenceServer{base: b, pres: pres})
	}
	if b.cfg.Dispatch != nil {
		gridwatchv1.RegisterDispatchServiceServer(s, &dispatchServer{base: b, disp: b.cfg.Dispatch,
			events: b.cfg.Events})
	}
	if b.cfg.Audit != nil {
		gridwatchv1.RegisterAuditServiceServer(s, &auditServer{base: b, rec: b.cfg.Audit})
	}
}

// RegisterGateway adds the HTTP/JSON bindings of the services to mux,
// forwarding to conn.
func RegisterGateway(ctx context.Context, mux *runtime.ServeMux, conn *grpc.ClientConn) error {
	if err := gridwatchv1.RegisterGridServiceHandler(ctx, mux, conn); err != nil {
		return fmt.Errorf("api: gateway of GridService: %w", err)
	}
	if err := gridwatchv1.RegisterRosterServiceHandler(ctx, mux, conn); err != nil {
		return fmt.Errorf("api: gateway of RosterService: %w", err)
	}
	if err := gridwatchv1.RegisterPresenceServiceHandler(ctx, mux, conn); err != nil {
		return fmt.Errorf("api: gateway of PresenceService: %w", err)
	}
	if err := gridwatchv1.RegisterDispatchServiceHandler(ctx, mux, conn); err != nil {
		return fmt.Errorf("api: gateway of DispatchService: %w", err)
	}
	if err := gridwatchv1.RegisterAuditServiceHandler(ctx, mux, conn); err != nil {
		return fmt.Errorf("api: gateway of AuditService: %w", err)
	}
	return nil
}

// base is what every service implementation shares.
type base struct {
	svc *grid.Service
	cfg Config
}

// fail turns err into the status the client gets, logging the errors whose
// cause the status hides from the client.
func (b base) fail(ctx context.Context, err error) error {
	return logAndConvert(ctx, b.cfg.Logger, err)
}

// logAndConvert is fail with the logger log.
func logAndConvert(ctx context.Context, log *slog.Logger, err error) error {
	if r := ruleFor(err); r.log {
		log.ErrorContext(ctx, "api: request failed", "code", r.code.String(), "err", err)
	}
	return toStatus(err)
}
