package redis_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/dispatch/dispatchtest"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
)

// TestDispatchConformance runs the dispatch suite on a standalone server.
func TestDispatchConformance(t *testing.T) {
	dispatchtest.RunStoreTests(t, func(t *testing.T) dispatch.Store {
		return redis.NewDispatch(redis.Options{Client: redistest.New(t), Prefix: redistest.Prefix(t)})
	})
}

// TestDispatchConformanceCluster runs the suite on a Redis Cluster, whose
// slot rules a standalone server does not enforce. The full suite (10,000
// accept trials) takes minutes under -race on Redis, so without -short it
// runs only with GRIDWATCH_DISPATCH_CLUSTER=1; with -short (1,000 trials)
// it always runs.
func TestDispatchConformanceCluster(t *testing.T) {
	if !testing.Short() && os.Getenv("GRIDWATCH_DISPATCH_CLUSTER") != "1" {
		t.Skip("the full suite on Cluster takes minutes: set GRIDWATCH_DISPATCH_CLUSTER=1, or use -short")
	}
	dispatchtest.RunStoreTests(t, func(t *testing.T) dispatch.Store {
		return redis.NewDispatch(redis.Options{Client: redistest.NewCluster(t), Prefix: redistest.Prefix(t)})
	})
}

// TestDispatchFailedCallChangesNothing: calls refused by a script's
// checks leave every dispatch key byte for byte as it was.
func TestDispatchFailedCallChangesNothing(t *testing.T) {
	ctx := context.Background()
	c, prefix := redistest.New(t), redistest.Prefix(t)
	st := redis.NewDispatch(redis.Options{Client: c, Prefix: prefix})
	dispatching(t, st, "i1", "i2")
	exp := dispBase.Add(20 * time.Second)
	mustDispOffer(t, st, dispatch.Offer{ID: "o1", IncidentID: "i1", ResponderID: "r1", OfferedAt: dispBase, ExpiresAt: exp})
	mustDispOffer(t, st, dispatch.Offer{ID: "o2", IncidentID: "i2", ResponderID: "r2", OfferedAt: dispBase, ExpiresAt: exp})
	if _, err := st.Accept(ctx, "o2", "r2", dispBase); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, c, prefix)
	failing := []struct {
		name string
		call func() error
		want error
	}{
		{"accept expired", func() error { _, err := st.Accept(ctx, "o1", "r1", exp); return err }, dispatch.ErrExpired},
		{"accept by another", func() error { _, err := st.Accept(ctx, "o1", "r9", dispBase); return err }, dispatch.ErrNotFound},
		{"lapse early", func() error { _, err := st.Lapse(ctx, "o1", exp.Add(-time.Nanosecond)); return err }, dispatch.ErrConflict},
		{"offer to busy", func() error {
			_, err := st.Offer(ctx, dispatch.Offer{ID: "o3", IncidentID: "i1", ResponderID: "r2",
				OfferedAt: dispBase, ExpiresAt: exp}, 2)
			return err
		}, dispatch.ErrBusy},
		{"assign busy", func() error {
			_, err := st.Assign(ctx, dispatch.Assignment{IncidentID: "i1", ResponderID: "r2", AcceptedAt: dispBase}, "d1")
			return err
		}, dispatch.ErrBusy},
		{"withdraw none", func() error { _, err := st.Withdraw(ctx, "i1", "r1", dispBase, "r1"); return err }, dispatch.ErrNotFound},
		{"widen offered", func() error { _, err := st.WidenSlot(ctx, "i1", 0, 0, 1, dispBase); return err }, dispatch.ErrConflict},
		{"stale transition", func() error {
			_, err := st.Transition(ctx, "i1", dispatch.StateNew, dispatch.StateDispatching, dispatch.Event{At: dispBase})
			return err
		}, dispatch.ErrConflict},
		{"forbidden transition", func() error {
			_, err := st.Transition(ctx, "i2", dispatch.StateAssigned, dispatch.StateClosed, dispatch.Event{At: dispBase})
			return err
		}, dispatch.ErrInvalidTransition},
	}
	for _, f := range failing {
		if err := f.call(); !errors.Is(err, f.want) {
			t.Errorf("%s: %v, want %v", f.name, err, f.want)
		}
		if after := snapshot(t, c, prefix); !reflect.DeepEqual(after, before) {
			t.Fatalf("%s changed the keys:\n%v\nwant\n%v", f.name, after, before)
		}
	}
}

func mustDispOffer(t *testing.T, st *redis.Dispatch, o dispatch.Offer) {
	t.Helper()
	if _, err := st.Offer(context.Background(), o, 1); err != nil {
		t.Fatalf("Offer(%s): %v", o.ID, err)
	}
}

// snapshot returns every key under prefix with its DUMP.
func snapshot(t *testing.T, c *goredis.Client, prefix string) map[string]string {
	t.Helper()
	ctx := context.Background()
	keys, err := c.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, k := range keys {
		out[k] = c.Dump(ctx, k).Val()
	}
	return out
}
