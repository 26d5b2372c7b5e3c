package redis_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// Points on two ShardCells: Shenyang and Dalian.
var (
	shenyang = h3.LatLng{Lat: 41.7962, Lng: 123.4510}
	dalian   = h3.LatLng{Lat: 38.9140, Lng: 121.6147}
)

func cellOf(t testing.TB, p h3.LatLng, res int) h3.Cell {
	t.Helper()
	c, err := h3.LatLngToCell(p, res)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func hexOf(c h3.Cell) string { return strconv.FormatUint(uint64(c), 16) }

// TestKeyLayout writes one of everything and checks every key's name and
// type, and that each owners key's hash tag is the ShardCell of its cells.
func TestKeyLayout(t *testing.T) {
	ctx := context.Background()
	c, prefix := redistest.New(t), redistest.Prefix(t)
	s := redis.New(redis.Options{Client: c, Prefix: prefix})
	sy, dl := cellOf(t, shenyang, 10), cellOf(t, dalian, 9)
	writeOneOfEach(t, s, sy, dl)
	syTag, dlTag := hexOf(grid.ShardCell(sy)), hexOf(grid.ShardCell(dl))
	want := map[string]string{
		"gw:{units}": "hash", "gw:{sites}:posts": "hash", "gw:{sites}:compounds": "hash",
		"gw:{roster}": "hash", "gw:{grids:police}": "hash", "gw:{grids:community}": "hash",
		"gw:{grids:police}:cells:P1": "string", "gw:{grids:community}:cells:C1": "string",
		"gw:{" + syTag + "}:owners:police": "hash", "gw:{" + dlTag + "}:owners:police": "hash",
		"gw:{" + syTag + "}:owners:community": "hash",
	}
	got := map[string]string{}
	iter := c.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		got[strings.TrimPrefix(key, prefix)] = c.Type(ctx, key).Val()
		if strings.Contains(key, ":owners:") {
			checkOwnersTag(t, c, key)
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("SCAN: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keys and types = %v, want %v", got, want)
	}
	checkCellList(t, c, prefix+"gw:{grids:police}:cells:P1", []h3.Cell{sy, dl})
	checkVersion(t, c, prefix+"gw:{grids:police}", "P1")
	checkVersion(t, c, prefix+"gw:{units}", "U1")
}

// writeOneOfEach writes a unit, a post, a compound, a responder, police
// grid P1 owning sy and dl and community grid C1 owning sy.
func writeOneOfEach(t *testing.T, s *redis.Store, sy, dl h3.Cell) {
	t.Helper()
	ctx := context.Background()
	changes := []grid.GridChange{
		{Kind: grid.Police, Grids: []grid.GridCells{{Grid: grid.Grid{Kind: grid.Police, ID: "P1"},
			Cells: []h3.Cell{sy, dl}}}, Owners: map[h3.Cell]string{sy: "P1", dl: "P1"}},
		{Kind: grid.Community, Grids: []grid.GridCells{{Grid: grid.Grid{Kind: grid.Community, ID: "C1"},
			Cells: []h3.Cell{sy}}}, Owners: map[h3.Cell]string{sy: "C1"}},
	}
	for _, ch := range changes {
		if err := s.ApplyGridChange(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	errs := []error{
		s.PutUnits(ctx, []grid.Unit{{ID: "U1", Type: grid.UnitCity}}),
		s.PutPosts(ctx, []grid.WatchPost{{ID: "WP1", Cell: sy}}),
		s.PutCompounds(ctx, []grid.Compound{{ID: "CP1", Cell: sy}}),
		s.PutResponders(ctx, []grid.Responder{{ID: "R1", Kind: grid.WatchVolunteer}}),
	}
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// checkOwnersTag checks that the key's hash tag is the ShardCell of every
// cell it holds.
func checkOwnersTag(t *testing.T, c *goredis.Client, key string) {
	t.Helper()
	open, end := strings.IndexByte(key, '{'), strings.IndexByte(key, '}')
	if open < 0 || end < open {
		t.Errorf("owners key %q has no hash tag", key)
		return
	}
	tag := key[open+1 : end]
	for _, field := range c.HKeys(context.Background(), key).Val() {
		v, err := strconv.ParseUint(field, 16, 64)
		if err != nil {
			t.Errorf("owners key %q field %q: %v", key, field, err)
			continue
		}
		if shard := hexOf(grid.ShardCell(h3.Cell(v))); shard != tag {
			t.Errorf("owners key %q holds cell %s of ShardCell %s", key, field, shard)
		}
	}
}

// checkCellList checks a packed little-endian cell list.
func checkCellList(t *testing.T, c *goredis.Client, key string, want []h3.Cell) {
	t.Helper()
	b, err := c.Get(context.Background(), key).Bytes()
	if err != nil || len(b) != 8*len(want) {
		t.Fatalf("GET %s = %d bytes, %v; want %d", key, len(b), err, 8*len(want))
	}
	var got []h3.Cell
	for i := 0; i < len(b); i += 8 {
		got = append(got, h3.Cell(binary.LittleEndian.Uint64(b[i:])))
	}
	if !slices.Equal(got, want) {
		t.Errorf("cell list %s = %v, want %v", key, got, want)
	}
}

// checkVersion checks that a record carries "v":1.
func checkVersion(t *testing.T, c *goredis.Client, key, field string) {
	t.Helper()
	var rec struct{ V int }
	data := c.HGet(context.Background(), key, field).Val()
	if err := json.Unmarshal([]byte(data), &rec); err != nil || rec.V != 1 {
		t.Errorf("record %s %s = %s; want \"v\":1", key, field, data)
	}
}
