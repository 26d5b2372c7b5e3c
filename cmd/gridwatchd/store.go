package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/memory"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
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
// audit stores of one memory engine, or of one Redis client whose every
// call is bounded by c.RedisTimeouts. A Redis that is down at start is not
// fatal: /readyz and grpc.health report it until it answers.
//
// The Redis event bus has a client of its own, with the same bounds, which
// never retries: a retried XADD whose reply was lost would deliver its
// events twice.
func openStore(ctx context.Context, c config, log *slog.Logger) (stores, error) {
	if c.Store == "memory" {
		return stores{grid: memory.New(), presence: memory.NewPresence(), dispatch: memory.NewDispatch(),
			audit: memory.NewAudit(), close: func() {}}, nil
	}
	client, err := redisstore.NewClient(c.RedisURL, c.RedisTimeouts)
	if err != nil {
		return stores{}, fmt.Errorf("-redis-url: %w", err)
	}
	busClient, err := redisstore.NewEventsClient(c.RedisURL, c.RedisTimeouts)
	if err != nil {
		_ = client.Close()
		return stores{}, fmt.Errorf("-redis-url: %w", err)
	}
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
