package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/memory"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
)

// stores are the engine's stores of every domain.
type stores struct {
	grid     grid.Store
	presence presence.Store
	dispatch dispatch.Store
	audit    audit.Store
	// events is the dispatch event bus shared by every server on the same
	// Redis; nil with the memory engine, whose events stay in the process.
	events *redisstore.Events
	close  func()
}

// openStore opens the configured engine: the grid, presence, dispatch and
// audit stores of one memory engine, or of one Redis client. A Redis that is down at start
// is not fatal: /readyz and grpc.health report it until it answers.
//
// The Redis event bus has a client of its own, which never retries (a
// retried XADD whose reply was lost would deliver its events twice) and
// holds each call to its context's deadline, so that a publish waits no
// longer than the bus's timeout even on a Redis that hangs.
func openStore(ctx context.Context, c config, log *slog.Logger) (stores, error) {
	if c.Store == "memory" {
		return stores{grid: memory.New(), presence: memory.NewPresence(), dispatch: memory.NewDispatch(),
			audit: memory.NewAudit(), close: func() {}}, nil
	}
	opts, err := goredis.ParseURL(c.RedisURL)
	if err != nil {
		return stores{}, fmt.Errorf("-redis-url: %w", err)
	}
	opts.DialTimeout = 2 * time.Second
	opts.ReadTimeout = 3 * time.Second
	opts.WriteTimeout = 3 * time.Second
	client := goredis.NewClient(opts)
	busOpts := *opts
	busOpts.MaxRetries, busOpts.ContextTimeoutEnabled = -1, true
	busClient := goredis.NewClient(&busOpts)
	return stores{
		grid:     redisstore.New(redisstore.Options{Client: client}),
		presence: redisstore.NewPresence(redisstore.Options{Client: client}),
		dispatch: redisstore.NewDispatch(redisstore.Options{Client: client}),
		audit:    redisstore.NewAudit(redisstore.Options{Client: client}),
		events: redisstore.NewEvents(redisstore.Options{Client: busClient},
			redisstore.EventsConfig{MaxLen: c.Dispatch.EventStreamLen}, log),
		close: func() { _ = busClient.Close(); _ = client.Close() },
	}, nil
}
