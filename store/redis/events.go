package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	goredis "github.com/redis/go-redis/v9"
)

// The defaults of EventsConfig.
const (
	DefaultEventsMaxLen         = 10_000
	DefaultEventsPublishTimeout = 250 * time.Millisecond
	DefaultEventsBlock          = 500 * time.Millisecond
)

// eventsVersion is the format version of the bus's messages.
const eventsVersion = 1

// eventsReadCount is the most entries one XREAD returns.
const eventsReadCount = 256

// EventsConfig tunes an Events bus; zero fields take the defaults.
type EventsConfig struct {
	// MaxLen caps the stream, approximately (XADD MAXLEN ~): how many
	// changes an instance cut off from Redis can catch up on.
	MaxLen int64
	// PublishTimeout bounds one Publish or PublishChange.
	PublishTimeout time.Duration
	// Block is how long one XREAD of Run waits for new entries, and so
	// about how long Run takes to return after its context ends.
	Block time.Duration
}

// Events is the dispatch event bus of several servers sharing one Redis:
// Publish appends every change's events to one Redis Stream, and each
// server's Run tails it and hands every event, its own included, to the
// server's local sink (the Watch streams' broadcaster). It is safe for
// concurrent use.
//
// Delivery is at most once: an entry trimmed away by MaxLen before a
// reader reached it is lost to that reader (Run logs the gap), and a
// failed Publish is logged, never retried. The incident's timeline in
// Redis stays the record; the bus only makes it visible sooner.
//
// Options.Client should not retry commands (MaxRetries -1): a retried XADD
// whose reply was lost would append the entry twice. A client with
// ContextTimeoutEnabled also holds Publish to PublishTimeout when Redis
// hangs rather than refuses.
type Events struct {
	c       goredis.UniversalClient
	key     string
	maxLen  int64
	timeout time.Duration
	block   time.Duration
	log     *slog.Logger
}

var _ dispatch.ChangeSink = (*Events)(nil)

// NewEvents returns the bus on opts.Client. It panics if the client is
// nil or the prefix contains '{'. A nil log discards.
func NewEvents(opts Options, cfg EventsConfig, log *slog.Logger) *Events {
	k, _ := opts.check("NewEvents")
	if cfg.MaxLen <= 0 {
		cfg.MaxLen = DefaultEventsMaxLen
	}
	if cfg.PublishTimeout <= 0 {
		cfg.PublishTimeout = DefaultEventsPublishTimeout
	}
	if cfg.Block <= 0 {
		cfg.Block = DefaultEventsBlock
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Events{c: opts.Client, key: k.events(), maxLen: cfg.MaxLen, timeout: cfg.PublishTimeout,
		block: cfg.Block, log: log}
}

// events is the stream of the dispatch event bus.
func (k keys) events() string { return k.dispatch() + ":events" }

// eventsMsg is one stream entry: a change's events and the incident after
// it, in the record format of the store (dispatch_record.go).
type eventsMsg struct {
	V   int         `json:"v"`
	Inc incidentRec `json:"inc"`
	Evs []seqEvent  `json:"evs"`
}

// seqEvent is an event with its number, which a record otherwise keeps as
// its place in the timeline.
type seqEvent struct {
	Seq int `json:"seq"`
	eventRec
}

// Publish implements dispatch.EventSink: PublishChange of one event.
func (e *Events) Publish(ctx context.Context, inc *dispatch.Incident, ev dispatch.Event) {
	e.PublishChange(ctx, inc, []dispatch.Event{ev})
}

// PublishChange implements dispatch.ChangeSink: it appends the events
// and the incident as one stream entry, one round trip, waiting at most
// PublishTimeout even if ctx is cancelled sooner (the change is stored:
// its events should go out). A failure is logged, not returned.
func (e *Events) PublishChange(ctx context.Context, inc *dispatch.Incident, events []dispatch.Event) {
	if len(events) == 0 {
		return
	}
	msg, err := encodeEvents(inc, events)
	if err == nil {
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.timeout)
		err = e.c.XAdd(pctx, &goredis.XAddArgs{Stream: e.key, MaxLen: e.maxLen, Approx: true,
			Values: []string{"m", msg}}).Err()
		cancel()
	}
	if err != nil {
		e.log.WarnContext(ctx, "dispatch events not published", "incident", inc.ID,
			"first_seq", events[0].Seq, "events", len(events), "err", fail(err, "XADD %s", e.key))
	}
}

// encodeEvents returns the stream entry of a change.
func encodeEvents(inc *dispatch.Incident, events []dispatch.Event) (string, error) {
	r, err := recordOf(inc)
	if err != nil {
		return "", err
	}
	m := eventsMsg{V: eventsVersion, Inc: r, Evs: make([]seqEvent, len(events))}
	for i, ev := range events {
		m.Evs[i] = seqEvent{Seq: ev.Seq, eventRec: eventRecOf(ev)}
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// decodeEvents reads a stream entry.
func decodeEvents(s string) (dispatch.Incident, []dispatch.Event, error) {
	var m eventsMsg
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return dispatch.Incident{}, nil, err
	}
	if m.V != eventsVersion {
		return dispatch.Incident{}, nil, fmt.Errorf("format version %d unknown", m.V)
	}
	inc, err := m.Inc.incident()
	if err != nil {
		return dispatch.Incident{}, nil, err
	}
	d := decoder{}
	events := make([]dispatch.Event, len(m.Evs))
	for i, ev := range m.Evs {
		events[i] = d.eventOf(ev.Seq, ev.eventRec)
	}
	return inc, events, d.err
}
