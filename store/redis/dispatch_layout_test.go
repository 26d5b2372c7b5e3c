package redis_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/store/redis"
)

// dispBase is the dispatch tests' clock origin.
var dispBase = time.Date(2025, 6, 1, 8, 0, 0, 123456789, time.UTC)

// dispIncident returns a new incident with one open slot.
func dispIncident(id string) dispatch.Incident {
	return dispatch.Incident{ID: id, RequestID: "req-" + id, Category: "dispute", Severity: 2,
		Source: dispatch.SourceCall110, CreatedAt: dispBase,
		Slots: []dispatch.Slot{{Circle: 0, Kinds: []grid.ResponderKind{grid.WatchVolunteer}}}}
}

// dispatching creates incidents with dispIncident and moves them to
// dispatching, ready for offers.
func dispatching(t *testing.T, st *redis.Dispatch, ids ...string) {
	t.Helper()
	ctx := context.Background()
	for _, id := range ids {
		if _, _, err := st.CreateIncident(ctx, dispIncident(id)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Transition(ctx, id, dispatch.StateNew, dispatch.StateDispatching,
			dispatch.Event{At: dispBase}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDispatchKeyLayout writes one of each dispatch key on a Cluster and
// checks their names and types, and that all share the {dispatch} slot.
func TestDispatchKeyLayout(t *testing.T) {
	ctx := context.Background()
	c, prefix := redistest.NewCluster(t), redistest.Prefix(t)
	st := redis.NewDispatch(redis.Options{Client: c, Prefix: prefix})
	dispatching(t, st, "i1", "i2")
	for _, o := range []dispatch.Offer{
		{ID: "o1", IncidentID: "i1", ResponderID: "r1", OfferedAt: dispBase, ExpiresAt: dispBase.Add(20 * time.Second)},
		{ID: "o2", IncidentID: "i2", ResponderID: "r2", OfferedAt: dispBase, ExpiresAt: dispBase.Add(20 * time.Second)},
	} {
		if _, err := st.Offer(ctx, o, 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Accept(ctx, "o1", "r1", dispBase.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"gw:{dispatch}:inc:i1": "string", "gw:{dispatch}:inc:i2": "string",
		"gw:{dispatch}:requests": "hash", "gw:{dispatch}:offers": "hash", "gw:{dispatch}:held": "hash",
		"gw:{dispatch}:pending": "zset", "gw:{dispatch}:list": "zset",
	}
	got := map[string]string{}
	slots := map[int64]bool{}
	for _, key := range scanAll(t, c, prefix) {
		name := strings.TrimPrefix(key, prefix)
		got[name] = c.Type(ctx, key).Val()
		slots[c.ClusterKeySlot(ctx, key).Val()] = true
		if !strings.HasPrefix(name, "gw:{dispatch}:") {
			t.Errorf("key %q is not under gw:{dispatch}:", name)
		}
		if ttl := c.TTL(ctx, key).Val(); ttl != -1 {
			t.Errorf("key %q expires in %v", name, ttl)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keys and types = %v\nwant %v", got, want)
	}
	if len(slots) != 1 {
		t.Errorf("dispatch keys are in slots %v, want one", slices.Collect(maps.Keys(slots)))
	}
	k := prefix + "gw:{dispatch}:"
	if v := c.HGetAll(ctx, k+"held").Val(); !reflect.DeepEqual(v, map[string]string{"r1": "i1"}) {
		t.Errorf("held = %v", v)
	}
	if v := c.ZRangeWithScores(ctx, k+"pending", 0, -1).Val(); len(v) != 1 || v[0].Member != "o2" ||
		v[0].Score != float64(dispBase.Add(20*time.Second).UnixMilli()) {
		t.Errorf("pending = %v, want o2 at its deadline in ms", v)
	}
	if v := c.HGetAll(ctx, k+"requests").Val(); !reflect.DeepEqual(v, map[string]string{"req-i1": "i1", "req-i2": "i2"}) {
		t.Errorf("requests = %v", v)
	}
	// The listing index: every incident at score 0, the newest-first key of
	// its creation time, the id, NUL and its cell (none here).
	newest := fmt.Sprintf("%020d", ^(uint64(dispBase.UnixNano()) ^ (1 << 63)))
	if v := c.ZRangeWithScores(ctx, k+"list", 0, -1).Val(); len(v) != 2 || v[0].Score != 0 ||
		v[0].Member != newest+":i1\x00" || v[1].Member != newest+":i2\x00" {
		t.Errorf("list = %v", v)
	}
	// The staffing index holds i2 again once its offer is declined.
	if _, err := st.Decline(ctx, "o2", "r2", dispBase.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if c.Type(ctx, k+"unstaffed").Val() != "zset" || c.Exists(ctx, k+"pending").Val() != 0 {
		t.Errorf("after the decline: unstaffed is %s, pending exists %d", c.Type(ctx, k+"unstaffed").Val(),
			c.Exists(ctx, k+"pending").Val())
	}
	if ids, err := st.Unstaffed(ctx); err != nil || !slices.Equal(ids, []string{"i2"}) {
		t.Errorf("Unstaffed = %v, %v; want [i2]", ids, err)
	}
}

// TestDispatchRedisDown: with nothing listening, every call of the
// dispatch engine fails with an error matching grid.ErrUnavailable.
func TestDispatchRedisDown(t *testing.T) {
	st := redis.NewDispatch(redis.Options{Client: downClient(t)})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	now := dispBase
	calls := map[string]func() error{
		"CreateIncident": func() error { _, _, err := st.CreateIncident(ctx, dispIncident("i1")); return err },
		"Incident":       func() error { _, err := st.Incident(ctx, "i1"); return err },
		"Offer": func() error {
			_, err := st.Offer(ctx, dispatch.Offer{ID: "o1", IncidentID: "i1", ResponderID: "r1",
				OfferedAt: now, ExpiresAt: now.Add(time.Second)}, 1)
			return err
		},
		"Accept":  func() error { _, err := st.Accept(ctx, "o1", "r1", now); return err },
		"Decline": func() error { _, err := st.Decline(ctx, "o1", "r1", now); return err },
		"Lapse":   func() error { _, err := st.Lapse(ctx, "o1", now); return err },
		"Assign": func() error {
			_, err := st.Assign(ctx, dispatch.Assignment{IncidentID: "i1", ResponderID: "r1"}, "d")
			return err
		},
		"Withdraw": func() error { _, err := st.Withdraw(ctx, "i1", "r1", now, "r1"); return err },
		"Release":  func() error { _, err := st.Release(ctx, "i1", "r1", now, "r1"); return err },
		"MarkArrived": func() error {
			_, err := st.MarkArrived(ctx, dispatch.Arrival{IncidentID: "i1", ResponderID: "r1", At: now})
			return err
		},
		"WidenSlot":   func() error { _, err := st.WidenSlot(ctx, "i1", 0, 0, 1, now); return err },
		"ExhaustSlot": func() error { _, err := st.ExhaustSlot(ctx, "i1", 0, 0, now); return err },
		"Transition": func() error {
			_, err := st.Transition(ctx, "i1", dispatch.StateNew, dispatch.StateDispatching, dispatch.Event{At: now})
			return err
		},
		"PendingOffers": func() error { _, err := st.PendingOffers(ctx, now); return err },
		"Unstaffed":     func() error { _, err := st.Unstaffed(ctx); return err },
		"AssignmentOf":  func() error { _, err := st.AssignmentOf(ctx, "r1"); return err },
		"ListIncidents": func() error {
			_, _, err := st.ListIncidents(ctx, dispatch.IncidentQuery{PageSize: 1})
			return err
		},
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, grid.ErrUnavailable) {
			t.Errorf("%s: got %v, want ErrUnavailable", name, err)
		}
		if errors.Is(err, dispatch.ErrNotFound) || errors.Is(err, dispatch.ErrConflict) {
			t.Errorf("%s: %v also matches a domain error", name, err)
		}
	}
}
