package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	goredis "github.com/redis/go-redis/v9"
)

// Defaults of Timeouts.
const (
	DefaultDialTimeout  = 2 * time.Second
	DefaultReadTimeout  = 3 * time.Second
	DefaultWriteTimeout = 3 * time.Second
	DefaultOpTimeout    = 5 * time.Second
)

// Timeouts bound every call the engine makes to Redis (see "Deadlines" in
// the package doc). Zero fields take their defaults.
type Timeouts struct {
	// Dial bounds opening a connection, handshake included (default 2s).
	Dial time.Duration
	// Read and Write bound each socket read and write (default 3s each).
	Read, Write time.Duration
	// Op bounds one operation, whatever the caller's context says: a
	// command, a pipeline or transaction, one run of a script, including
	// the wait for a pooled connection and go-redis's retries (default
	// 5s). A caller's earlier deadline still wins. It must exceed the
	// block time of any blocking command (XREAD BLOCK) sent on the client.
	Op time.Duration
}

// withDefaults returns t with zero fields set to their defaults.
func (t Timeouts) withDefaults() Timeouts {
	for _, f := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&t.Dial, DefaultDialTimeout}, {&t.Read, DefaultReadTimeout}, {&t.Write, DefaultWriteTimeout}, {&t.Op, DefaultOpTimeout}} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return t
}

// Validate reports a negative timeout.
func (t Timeouts) Validate() error {
	if t.Dial < 0 || t.Read < 0 || t.Write < 0 || t.Op < 0 {
		return fmt.Errorf("redis timeouts %+v: want ≥ 0 (0 for the default)", t)
	}
	return nil
}

// NewClient returns a client of the server url names (redis://, rediss://
// or unix://, as goredis.ParseURL reads it) with t's timeouts: dial, read
// and write on its sockets, the context's deadline honoured
// (ContextTimeoutEnabled), and every operation bounded by t.Op (Bound).
func NewClient(url string, t Timeouts) (*goredis.Client, error) {
	return newClient(url, t, false)
}

// NewEventsClient is NewClient for the event bus (Events): its commands
// are never retried, since a retried XADD whose reply was lost would
// append the entry twice. t.Op must exceed DefaultEventsBlock, the bus's
// XREAD BLOCK, or every idle read would be cut short.
func NewEventsClient(url string, t Timeouts) (*goredis.Client, error) {
	if op := t.withDefaults().Op; op <= DefaultEventsBlock {
		return nil, fmt.Errorf("redis operation timeout %v: want more than the event bus's XREAD BLOCK of %v", op, DefaultEventsBlock)
	}
	return newClient(url, t, true)
}

func newClient(url string, t Timeouts, noRetries bool) (*goredis.Client, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	t = t.withDefaults()
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = t.Dial, t.Read, t.Write
	opts.PoolTimeout = t.Op
	opts.ContextTimeoutEnabled = true
	if noRetries {
		opts.MaxRetries = -1
	}
	c := goredis.NewClient(opts)
	Bound(c, t.Op)
	return c, nil
}

// Bound makes every operation of c run under a context with a deadline at
// most op away (a go-redis hook: the one place this is done). Call it
// once per client, before use, for clients not made by NewClient; the
// client should have ContextTimeoutEnabled, or a hung read lasts until
// its ReadTimeout whatever the deadline. An operation cut short by op
// fails with an error matching grid.ErrUnavailable (and not
// context.DeadlineExceeded: the caller's time is not up, Redis is not
// answering); one cut short by the caller's context matches the
// context's error.
func Bound(c goredis.UniversalClient, op time.Duration) {
	c.AddHook(opBound{d: op})
}

// opBound is the hook of Bound.
type opBound struct{ d time.Duration }

func (opBound) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (h opBound) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		bctx, cancel := context.WithTimeout(ctx, h.d)
		defer cancel()
		err := next(bctx, cmd)
		if e := h.explain(ctx, bctx, err); e != err {
			cmd.SetErr(e)
			return e
		}
		return err
	}
}

func (h opBound) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		bctx, cancel := context.WithTimeout(ctx, h.d)
		defer cancel()
		err := next(bctx, cmds)
		for _, cmd := range cmds {
			if e := h.explain(ctx, bctx, cmd.Err()); e != cmd.Err() {
				cmd.SetErr(e)
			}
		}
		return h.explain(ctx, bctx, err)
	}
}

// explain returns the error of an operation that failed because a
// deadline passed: the caller's context error, or an *OpTimeoutError when
// the bound expired first. Replies of Redis, even late ones, and other
// failures are returned as they are.
func (h opBound) explain(ctx, bctx context.Context, err error) error {
	var reply goredis.Error
	switch {
	case err == nil || bctx.Err() == nil || errors.As(err, &reply):
		return err
	case ctx.Err() != nil:
		return fmt.Errorf("%w: %v", ctx.Err(), err)
	}
	return &OpTimeoutError{Timeout: h.d, Cause: err}
}

// OpTimeoutError is an operation that Redis did not complete within
// Timeouts.Op. It matches grid.ErrUnavailable; it does not wrap its cause,
// which is a consequence of the bound (a timeout or a context error).
type OpTimeoutError struct {
	Timeout time.Duration
	Cause   error
}

func (e *OpTimeoutError) Error() string {
	return fmt.Sprintf("no reply from redis within the operation timeout of %v (%v)", e.Timeout, e.Cause)
}

// Is reports whether target is grid.ErrUnavailable.
func (e *OpTimeoutError) Is(target error) bool { return target == grid.ErrUnavailable }
