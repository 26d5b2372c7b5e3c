package redis_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
)

// TestPresenceConcurrent moves responders back and forth between two
// shards from many goroutines on two engines, toggling their status: the
// newest fix must win, and each record must end in exactly one shard,
// indexed there only.
func TestPresenceConcurrent(t *testing.T) {
	onServers(t, func(t *testing.T, srv server) {
		ctx := context.Background()
		c, prefix := srv.client(t), redistest.Prefix(t)
		engines := []*redis.Presence{
			redis.NewPresence(redis.Options{Client: c, Prefix: prefix}),
			redis.NewPresence(redis.Options{Client: c, Prefix: prefix}),
		}
		const responders, workers, moves = 3, 4, 20
		var wg sync.WaitGroup
		for r := range responders {
			id := fmt.Sprint("R", r)
			mustStart(t, engines[0], startRec(id, grid.PatrolOfficer, grid.Car))
			for w := range workers {
				wg.Go(func() { churn(t, engines[w%2], id, w, workers, moves) })
			}
		}
		wg.Wait()
		last := moves*workers - 1 // the newest fix: worker workers-1's last move
		for r := range responders {
			id := fmt.Sprint("R", r)
			want := churnPos(last)
			for _, st := range engines {
				if err := st.SetStatus(ctx, id, presence.Available); err != nil {
					t.Fatal(err)
				}
				if got, err := st.Get(ctx, id); err != nil || got.Position != want {
					t.Errorf("Get(%s) at %v, %v; want %v", id, got.Position, err, want)
				}
			}
			checkOneHome(t, c, prefix, id, want)
		}
	})
}

// churn makes moves with fix times i*workers+w, alternating shards, and
// sets the status now and then.
func churn(t *testing.T, st presence.Store, id string, w, workers, moves int) {
	ctx := context.Background()
	for i := range moves {
		n := i*workers + w
		m := moveTo(t, id, churnPos(n), time.Duration(n)*time.Second)
		if _, err := st.Move(ctx, m); err != nil {
			t.Errorf("Move(%s #%d): %v", id, n, err)
		}
		if i%3 == 0 {
			if err := st.SetStatus(ctx, id, presence.Status(2+n%2)); err != nil {
				t.Errorf("SetStatus(%s): %v", id, err)
			}
		}
	}
}

// churnPos is the position of move n: Shenyang or Dalian, a little apart.
func churnPos(n int) geo.LatLng {
	p := syPos
	if n%2 == 1 {
		p = dlPos
	}
	p.Lat += float64(n) * 1e-6
	return p
}

// checkOneHome checks that id's record is in the shard of want only, and
// indexed there once, in the car GEO set.
func checkOneHome(t *testing.T, c goredis.UniversalClient, prefix, id string, want geo.LatLng) {
	t.Helper()
	ctx := context.Background()
	wantShard := shardHex(t, want)
	for _, p := range []geo.LatLng{syPos, dlPos} {
		shard := shardHex(t, p)
		base := prefix + "gw:{" + shard + "}:pres:"
		rec, err := c.HGet(ctx, base+"recs", id).Result()
		inRecs := err == nil && !strings.HasPrefix(rec, "t ") // not a tombstone
		indexed := 0
		for _, mode := range []string{"none", "walk", "bike", "car"} {
			for _, m := range c.ZRange(ctx, base+"geo:"+mode, 0, -1).Val() {
				if strings.HasSuffix(m, " "+id) {
					indexed++
				}
			}
		}
		if home := shard == wantShard; inRecs != home || indexed != map[bool]int{true: 1}[home] {
			t.Errorf("%s in shard %s: record %v, indexed %d times; want %v", id, shard, inRecs, indexed, home)
		}
	}
	if at := c.HGet(ctx, prefix+"gw:{pres:"+id+"}", "at").Val(); at != wantShard {
		t.Errorf("directory of %s names %q, want %q", id, at, wantShard)
	}
}

// shardHex is the hex of the shard holding a responder at p.
func shardHex(t testing.TB, p geo.LatLng) string {
	return hexOf(grid.ShardCell(moveTo(t, "", p, 0).Cell))
}
