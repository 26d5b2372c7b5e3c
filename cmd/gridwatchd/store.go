package main

import (
	"context"
	"fmt"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/memory"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
)

// stores are the engine's stores of both domains.
type stores struct {
	grid     grid.Store
	presence presence.Store
	dispatch dispatch.Store
	close    func()
}

// openStore opens the configured engine: the grid and presence stores of
// one memory engine, or of one Redis client whose every call is bounded
// by c.RedisTimeouts. A Redis that is down at start is not fatal: /readyz
// and grpc.health report it until it answers.
func openStore(ctx context.Context, c config) (stores, error) {
	if c.Store == "memory" {
		return stores{grid: memory.New(), presence: memory.NewPresence(), dispatch: memory.NewDispatch(),
			close: func() {}}, nil
	}
	client, err := redisstore.NewClient(c.RedisURL, c.RedisTimeouts)
	if err != nil {
		return stores{}, fmt.Errorf("-redis-url: %w", err)
	}
	return stores{
		grid:     redisstore.New(redisstore.Options{Client: client}),
		presence: redisstore.NewPresence(redisstore.Options{Client: client}),
		dispatch: redisstore.NewDispatch(redisstore.Options{Client: client}),
		close:    func() { _ = client.Close() },
	}, nil
}
