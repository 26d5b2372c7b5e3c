package redis_test

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// TestPresenceKeyLayout writes one of each presence key on a Cluster and
// checks every key's name and type, that each carries a hash tag, that the
// keys of one tag share a slot, and that a shard's records are of its cells.
func TestPresenceKeyLayout(t *testing.T) {
	ctx := context.Background()
	c, prefix := redistest.NewCluster(t), redistest.Prefix(t)
	st := redis.NewPresence(redis.Options{Client: c, Prefix: prefix})
	mustStart(t, st, startRec("N1", grid.WatchVolunteer, grid.Walk),
		startRec("CO", grid.CommunityOfficer, grid.Walk), startRec("P1", grid.PatrolOfficer, grid.Car))
	for i, at := range []time.Duration{0, time.Second} {
		m := moveTo(t, "CO", syPos, at)
		m.TrackOwnGrid, m.AccrueCap, m.Day, m.Inside = true, time.Minute, "2025-03-01", i == 0
		mustMove(t, st, m)
	}
	mustMove(t, st, moveTo(t, "P1", dlPos, 0))
	sy, dl := shardHex(t, syPos), shardHex(t, dlPos)
	want := map[string]string{
		"gw:{pres:N1}": "hash", "gw:{pres:CO}": "hash", "gw:{pres:P1}": "hash",
		"gw:{pres:CO}:own:2025-03-01": "hash",
		"gw:{" + sy + "}:pres:recs":   "hash", "gw:{" + sy + "}:pres:geo:walk": "zset",
		"gw:{" + dl + "}:pres:recs": "hash", "gw:{" + dl + "}:pres:geo:car": "zset",
	}
	got := map[string]string{}
	slots := map[string]map[int64]bool{} // hash tag → slots of its keys
	for _, key := range scanAll(t, c, prefix) {
		name := strings.TrimPrefix(key, prefix)
		got[name] = c.Type(ctx, key).Val()
		checkKey(t, c, key, name, slots)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keys and types = %v\nwant %v", got, want)
	}
	for tag, s := range slots {
		if len(s) != 1 {
			t.Errorf("keys tagged {%s} are in slots %v", tag, slices.Collect(maps.Keys(s)))
		}
	}
}

// checkKey checks one key's hash tag, recording its slot in slots, its
// expiry, and for a shard's records that they are of its cells.
func checkKey(t *testing.T, c *goredis.ClusterClient, key, name string, slots map[string]map[int64]bool) {
	t.Helper()
	ctx := context.Background()
	open, end := strings.IndexByte(name, '{'), strings.IndexByte(name, '}')
	if open < 0 || end < open+2 {
		t.Errorf("key %q has no hash tag", name)
		return
	}
	tag := name[open+1 : end]
	if slots[tag] == nil {
		slots[tag] = map[int64]bool{}
	}
	slots[tag][c.ClusterKeySlot(ctx, key).Val()] = true
	if strings.HasSuffix(name, ":pres:recs") {
		checkRecsTag(t, c, key, tag)
	}
	ttl, wantTTL := c.TTL(ctx, key).Val(), time.Duration(-1)
	if strings.Contains(name, ":own:") {
		wantTTL = redis.OwnGridRetention
	}
	if ttl > wantTTL || ttl < wantTTL-time.Minute {
		t.Errorf("key %q expires in %v, want %v", name, ttl, wantTTL)
	}
}

// scanAll returns the keys under prefix on every master.
func scanAll(t *testing.T, c *goredis.ClusterClient, prefix string) []string {
	t.Helper()
	var keys []string
	err := c.ForEachMaster(context.Background(), func(ctx context.Context, node *goredis.Client) error {
		iter := node.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		return iter.Err()
	})
	if err != nil {
		t.Fatalf("SCAN: %v", err)
	}
	return keys
}

// checkRecsTag checks that each record in a shard's hash has its cell
// (the record's 15th field) in that shard.
func checkRecsTag(t *testing.T, c *goredis.ClusterClient, key, tag string) {
	t.Helper()
	for id, rec := range c.HGetAll(context.Background(), key).Val() {
		fields := strings.SplitN(rec, " ", 16)
		if len(fields) < 16 {
			t.Errorf("%s: record of %s has %d fields", key, id, len(fields))
			continue
		}
		v, err := strconv.ParseUint(fields[14], 16, 64)
		if err != nil || hexOf(grid.ShardCell(h3.Cell(v))) != tag {
			t.Errorf("%s holds %s at cell %s (%v), not of shard %s", key, id, fields[14], err, tag)
		}
	}
}
