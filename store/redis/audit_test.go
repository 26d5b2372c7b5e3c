package redis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/audit/audittest"
	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
)

// TestAuditConformance runs the audit suite on a standalone server.
func TestAuditConformance(t *testing.T) {
	audittest.RunStoreTests(t, func(t *testing.T) audit.Store {
		return redisstore.NewAudit(redisstore.Options{Client: redistest.New(t), Prefix: redistest.Prefix(t)})
	})
}

// TestAuditConformanceCluster runs it on Redis Cluster: the stream is one
// key of the slot {audit}.
func TestAuditConformanceCluster(t *testing.T) {
	audittest.RunStoreTests(t, func(t *testing.T) audit.Store {
		return redisstore.NewAudit(redisstore.Options{Client: redistest.NewCluster(t), Prefix: redistest.Prefix(t)})
	})
}

// TestAuditLayout: one stream at <prefix>gw:{audit}, entries versioned,
// the cell in hex, never a coordinate.
func TestAuditLayout(t *testing.T) {
	ctx := context.Background()
	c, prefix := redistest.New(t), redistest.Prefix(t)
	st := redisstore.NewAudit(redisstore.Options{Client: c, Prefix: prefix})
	r, err := st.Append(ctx, audit.Record{Actor: "d1", Role: auth.RoleDispatcher, Action: "presence.FindResponders",
		Objects: []string{"responders/r1"}, Cell: audittest.Cell})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := c.XRange(ctx, prefix+"gw:{audit}", "-", "+").Result()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("XRANGE: %v, %v; want one entry", msgs, err)
	}
	want := map[string]any{"v": "1", "act": "presence.FindResponders", "role": "dispatcher", "actor": "d1",
		"obj": `["responders/r1"]`, "cell": audittest.Cell.String()}
	if msgs[0].ID != r.ID.String() || len(msgs[0].Values) != len(want) {
		t.Fatalf("entry %s %v, want %s %v", msgs[0].ID, msgs[0].Values, r.ID, want)
	}
	for k, v := range want {
		if msgs[0].Values[k] != v {
			t.Errorf("field %s = %v, want %v", k, msgs[0].Values[k], v)
		}
	}
}

// TestAuditUnknownVersion: an entry of a format this build does not know
// fails the listing rather than being misread.
func TestAuditUnknownVersion(t *testing.T) {
	ctx := context.Background()
	c, prefix := redistest.New(t), redistest.Prefix(t)
	st := redisstore.NewAudit(redisstore.Options{Client: c, Prefix: prefix})
	args := &goredis.XAddArgs{Stream: prefix + "gw:{audit}", Values: []string{"v", "2", "act", "x.Y", "role", "admin"}}
	if err := c.XAdd(ctx, args).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.List(ctx, audit.Query{Limit: 10}); err == nil {
		t.Error("List read an entry of version 2")
	}
}

// TestAuditDownIsUnavailable: with Redis down, Append fails quickly with
// an error matching grid.ErrUnavailable, and the Recorder's error matches
// audit.ErrUnrecorded.
func TestAuditDownIsUnavailable(t *testing.T) {
	st := redisstore.NewAudit(redisstore.Options{Client: downClient(t)})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := st.Append(ctx, audit.Record{Action: "x.Y"})
	if !errors.Is(err, grid.ErrUnavailable) {
		t.Errorf("Append: %v, want ErrUnavailable", err)
	}
	_, err = audit.NewRecorder(st, nil).Record(ctx, audit.Record{Action: "x.Y"})
	if !errors.Is(err, audit.ErrUnrecorded) || !errors.Is(err, grid.ErrUnavailable) {
		t.Errorf("Record: %v, want ErrUnrecorded and ErrUnavailable", err)
	}
	if _, err := st.List(ctx, audit.Query{Limit: 1}); !errors.Is(err, grid.ErrUnavailable) {
		t.Errorf("List: %v, want ErrUnavailable", err)
	}
	if _, err := st.Trim(ctx, time.Now()); !errors.Is(err, grid.ErrUnavailable) {
		t.Errorf("Trim: %v, want ErrUnavailable", err)
	}
}
