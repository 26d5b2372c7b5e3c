package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/store/memory"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
)

// openStore opens the configured engine. A Redis that is down at start is
// not fatal: /readyz and grpc.health report it until it answers.
func openStore(ctx context.Context, c config) (grid.Store, func(), error) {
	if c.Store == "memory" {
		return memory.New(), func() {}, nil
	}
	opts, err := goredis.ParseURL(c.RedisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("-redis-url: %w", err)
	}
	opts.DialTimeout = 2 * time.Second
	opts.ReadTimeout = 3 * time.Second
	opts.WriteTimeout = 3 * time.Second
	client := goredis.NewClient(opts)
	return redisstore.New(redisstore.Options{Client: client}), func() { _ = client.Close() }, nil
}
