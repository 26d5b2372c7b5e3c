package redis

import (
	"context"
	"errors"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	goredis "github.com/redis/go-redis/v9"
)

// The backoff of Run after a failed read.
const (
	eventsMinBackoff = 50 * time.Millisecond
	eventsMaxBackoff = 2 * time.Second
)

// Run tails the stream and hands every event to local, in stream order,
// until ctx ends; it then returns ctx's error. It starts after the newest
// entry when it first reaches Redis. A failed read is retried with backoff
// from the last entry read, so a short outage delays events but loses
// none, unless MaxLen trimmed them away meanwhile: Run logs that gap and
// goes on with what is left. An unreadable entry (a newer format, say) is
// logged and skipped. Run each Events once at a time.
func (e *Events) Run(ctx context.Context, local dispatch.EventSink) error {
	var b backoff
	last, err := e.start(ctx, &b)
	if err != nil {
		return err
	}
	for {
		streams, err := e.c.XRead(ctx, &goredis.XReadArgs{Streams: []string{e.key, last},
			Count: eventsReadCount, Block: e.block}).Result()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && !errors.Is(err, goredis.Nil) {
			if err := b.wait(ctx, e, err, last); err != nil {
				return err
			}
			continue
		}
		if b.failures > 0 {
			e.resumed(ctx, &b, last)
		}
		for _, s := range streams {
			for _, m := range s.Messages {
				e.deliver(ctx, local, m)
				last = m.ID
			}
		}
	}
}

// start returns the id of the newest entry ("0-0" when there is none),
// retrying until Redis answers or ctx ends.
func (e *Events) start(ctx context.Context, b *backoff) (string, error) {
	for {
		msgs, err := e.c.XRevRangeN(ctx, e.key, "+", "-", 1).Result()
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if err == nil {
			if b.failures > 0 {
				e.resumed(ctx, b, "")
			}
			if len(msgs) == 0 {
				return "0-0", nil
			}
			return msgs[0].ID, nil
		}
		if err := b.wait(ctx, e, err, ""); err != nil {
			return "", err
		}
	}
}

// deliver hands an entry's events to local.
func (e *Events) deliver(ctx context.Context, local dispatch.EventSink, m goredis.XMessage) {
	s, _ := m.Values["m"].(string)
	inc, events, err := decodeEvents(s)
	if err != nil {
		e.log.WarnContext(ctx, "dispatch event bus: unreadable entry skipped", "id", m.ID, "err", err)
		return
	}
	dispatch.PublishTo(ctx, local, &inc, events)
}

// resumed logs the end of an outage, and whether the entry last read was
// trimmed away during it: trimming takes the oldest entries first, so
// then the ones after it may be gone too (Redis keeps no count of them).
func (e *Events) resumed(ctx context.Context, b *backoff, last string) {
	e.log.InfoContext(ctx, "dispatch event bus: reading again", "failures", b.failures,
		"after", time.Since(b.since).Round(time.Millisecond))
	b.reset()
	if last == "" || last == "0-0" {
		return
	}
	msgs, err := e.c.XRangeN(ctx, e.key, last, last, 1).Result()
	if err == nil && len(msgs) == 0 {
		e.log.WarnContext(ctx, "dispatch event bus: the stream was trimmed past the last entry read; "+
			"events may be lost to this server's watchers (the timelines have them)", "last_read", last)
	}
}

// backoff paces Run's retries while Redis fails.
type backoff struct {
	failures int
	since    time.Time // of the first failure
	delay    time.Duration
}

// wait logs the first failure of an outage and sleeps before the next
// try, longer each time; it returns ctx's error if ctx ends first.
func (b *backoff) wait(ctx context.Context, e *Events, err error, last string) error {
	if b.failures == 0 {
		b.since, b.delay = time.Now(), eventsMinBackoff
		e.log.WarnContext(ctx, "dispatch event bus: reading the stream failed; retrying",
			"last_read", last, "err", fail(err, "XREAD %s", e.key))
	}
	b.failures++
	t := time.NewTimer(b.delay)
	defer t.Stop()
	b.delay = min(2*b.delay, eventsMaxBackoff)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (b *backoff) reset() { *b = backoff{} }
