package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gridwatch/gridwatch/api"
	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/presence"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
)

// dispatcher is the running dispatch service and its event broadcaster.
type dispatcher struct {
	svc    *dispatch.Service
	events *api.Broadcaster
	stop   func() // stops the ticker and the bus's reader and waits for them
}

// startDispatch builds the dispatch service over st, with pres finding
// responders and setting their status, and starts its ticker. With a bus
// (Redis), the service publishes its events there and a reader hands every
// server's events to this one's broadcaster, so that a Watch stream sees
// the events of whichever server made them; without, the service publishes
// straight to the broadcaster. Call stop before closing the store.
func startDispatch(ctx context.Context, c dispatchConfig, st dispatch.Store, bus *redisstore.Events,
	pres *presence.Service, log *slog.Logger) (dispatcher, error) {
	key := []byte(c.CallerKey)
	if len(key) == 0 {
		key = make([]byte, dispatch.MinCallerKeyBytes)
		_, _ = rand.Read(key)
		log.Warn("no -caller-key (GRIDWATCH_CALLER_KEY): using a random key; callers' hashes change across restarts")
	}
	events := api.NewBroadcaster(0)
	var sink dispatch.EventSink = events
	if bus != nil {
		sink = bus
	}
	svc, err := dispatch.NewService(st, pres, pres, dispatch.Config{Policy: c.Policy, CallerKey: key,
		Sink: sink}, log)
	if err != nil {
		return dispatcher{}, fmt.Errorf("dispatch: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { runTicker(ctx, svc, c.Tick, log) })
	if bus != nil {
		wg.Go(func() { _ = bus.Run(ctx, events) }) // returns when ctx ends
	}
	return dispatcher{svc: svc, events: events, stop: func() { cancel(); wg.Wait() }}, nil
}

// runTicker calls svc.Tick every period until ctx ends. A tick that fails
// is logged; the next one tries again.
func runTicker(ctx context.Context, svc *dispatch.Service, period time.Duration, log *slog.Logger) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		tctx, cancel := context.WithTimeout(ctx, 10*period+time.Second)
		err := svc.Tick(tctx)
		cancel()
		if err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("dispatch tick failed", "err", err)
		}
	}
}
