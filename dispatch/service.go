package dispatch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

// Finder ranks available responders around a point in the response
// circles; *presence.Service satisfies it.
type Finder interface {
	FindResponders(ctx context.Context, q presence.Query) ([]presence.Circle, error)
}

// Statuses sets a responder's presence status; *presence.Service satisfies
// it. Dispatch sets Busy on an assignment and Available on its release.
type Statuses interface {
	SetStatus(ctx context.Context, id string, s presence.Status) error
}

// EventSink receives every timeline event after it is stored, e.g. to
// stream offers to phones and alerts to the console. Publish must not
// block for long; it is called on the caller's goroutine.
type EventSink interface {
	Publish(ctx context.Context, inc *Incident, ev Event)
}

// ChangeSink is an EventSink that also takes the events of one change at
// once, in order, so that it can send them as one message (the Redis
// event bus: one XADD per change, not one per event). The service hands a
// change's events to PublishChange when its sink has it, else to Publish
// one by one.
type ChangeSink interface {
	EventSink
	PublishChange(ctx context.Context, inc *Incident, events []Event)
}

// NopSink discards events.
type NopSink struct{}

// Publish does nothing.
func (NopSink) Publish(context.Context, *Incident, Event) {}

// Config holds the service's parameters.
type Config struct {
	// Policy decides the slots and timings; zero means DefaultPolicy().
	Policy Policy
	// CallerKey is the HMAC key of callers' phone numbers, at least
	// MinCallerKeyBytes; required.
	CallerKey []byte
	// Now is the clock; default time.Now. Tests pass a fake clock.
	Now func() time.Time
	// Sink receives the timeline events; default NopSink.
	Sink EventSink
}

// Service runs incidents over a Store: creation, offers and their
// deadlines, assignments, arrival and the state machine. It starts no
// goroutines: the server calls Tick every second or so to lapse expired
// offers and staff open slots. It is safe for concurrent use.
type Service struct {
	st       Store
	finder   Finder
	statuses Statuses
	policy   Policy
	key      []byte
	now      func() time.Time
	sink     EventSink
	log      *slog.Logger
}

// NewService returns a service over st. A nil log discards.
func NewService(st Store, finder Finder, statuses Statuses, cfg Config, log *slog.Logger) (*Service, error) {
	if st == nil || finder == nil || statuses == nil {
		return nil, errors.New("dispatch: store, finder and statuses are required")
	}
	if len(cfg.CallerKey) < MinCallerKeyBytes {
		return nil, fmt.Errorf("dispatch: caller key must have at least %d bytes", MinCallerKeyBytes)
	}
	if cfg.Policy.Rules == nil {
		cfg.Policy = DefaultPolicy()
	}
	if err := cfg.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("dispatch: policy: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sink == nil {
		cfg.Sink = NopSink{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{st: st, finder: finder, statuses: statuses, policy: cfg.Policy,
		key: append([]byte(nil), cfg.CallerKey...), now: cfg.Now, sink: cfg.Sink, log: log}, nil
}

// Policy returns the service's policy.
func (s *Service) Policy() Policy { return s.policy }

// NewIncident is a request to create an incident.
type NewIncident struct {
	// RequestID makes the request idempotent (AIP-155): a retry with the
	// same id returns the incident the first created. Optional.
	RequestID   string
	Category    string
	Severity    int
	Position    geo.LatLng // WGS-84; the API converts other datums
	Address     string
	Description string
	Source      Source
	CallerPhone string // hashed with the caller key, never stored
}

// CreateIncident stores a new incident with the slots its policy rule asks
// for and starts dispatching: each slot is offered to the best candidate of
// its circle. A retry with the same RequestID returns the stored incident
// (resuming the dispatch if the first call stopped before it).
func (s *Service) CreateIncident(ctx context.Context, req NewIncident) (Incident, error) {
	if err := checkNewIncident(req); err != nil {
		return Incident{}, err
	}
	cell, err := h3.LatLngToCell(h3.LatLng{Lat: req.Position.Lat, Lng: req.Position.Lng}, CellResolution)
	if err != nil {
		return Incident{}, invalid("position", err.Error())
	}
	inc := Incident{ID: newID(), RequestID: req.RequestID, Category: req.Category,
		Severity: req.Severity, Position: req.Position, Cell: cell, Address: req.Address,
		Description: req.Description, Source: req.Source, CallerHash: HashCaller(s.key, req.CallerPhone),
		State: StateNew, CreatedAt: s.now(), Slots: s.policy.Slots(req.Category, req.Severity)}
	got, created, err := s.st.CreateIncident(ctx, inc)
	if err != nil {
		return Incident{}, fmt.Errorf("creating an incident: %w", err)
	}
	if created {
		s.publish(ctx, &got, got.Timeline)
		s.log.InfoContext(ctx, "incident created", "incident", got.ID, "cell", got.Cell.String(),
			"category", got.Category, "severity", got.Severity, "slots", len(got.Slots))
	}
	if got.State != StateNew {
		return got, nil
	}
	ch, err := s.st.Transition(ctx, got.ID, StateNew, StateDispatching, Event{At: s.now(), Actor: ActorSystem})
	if err != nil && !errors.Is(err, ErrConflict) {
		return got, fmt.Errorf("starting the dispatch of %s: %w", got.ID, err)
	}
	if err != nil { // another call started it: staff it as it now is
		return s.staff(ctx, got.ID)
	}
	s.publish(ctx, &ch.Incident, ch.Events)
	return s.staffIncident(ctx, ch.Incident)
}

// checkNewIncident validates a request.
func checkNewIncident(req NewIncident) error {
	if req.RequestID != "" && len(req.RequestID) > 128 {
		return invalid("request_id", "longer than 128 bytes")
	}
	if err := checkCategory("category", req.Category, false); err != nil {
		return err
	}
	if req.Severity < 1 || req.Severity > MaxSeverity {
		return invalid("severity", fmt.Sprintf("%d is outside [1, %d]", req.Severity, MaxSeverity))
	}
	if err := geo.ValidateLatLng("position", req.Position); err != nil {
		return err
	}
	switch {
	case len(req.Address) > 512:
		return invalid("address", "longer than 512 bytes")
	case len(req.Description) > 4096:
		return invalid("description", "longer than 4096 bytes")
	case req.Source <= SourceUnspecified || req.Source > SourcePatrol:
		return invalid("source", fmt.Sprintf("unknown source %d", int(req.Source)))
	case len(req.CallerPhone) > 64:
		return invalid("caller_phone", "longer than 64 bytes")
	}
	return nil
}

// Incident returns the incident with id.
func (s *Service) Incident(ctx context.Context, id string) (Incident, error) {
	return s.st.Incident(ctx, id)
}

// newID returns a random 128-bit id in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// publish hands a change's events to the service's sink.
func (s *Service) publish(ctx context.Context, inc *Incident, events []Event) {
	PublishTo(ctx, s.sink, inc, events)
}

// PublishTo hands a change's events to sink: all at once to a ChangeSink
// (nothing if there are none), else one by one.
func PublishTo(ctx context.Context, sink EventSink, inc *Incident, events []Event) {
	if cs, ok := sink.(ChangeSink); ok {
		if len(events) > 0 {
			cs.PublishChange(ctx, inc, events)
		}
		return
	}
	for _, ev := range events {
		sink.Publish(ctx, inc, ev)
	}
}
