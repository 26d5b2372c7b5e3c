package redis

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// listScanLimit bounds the work of one ListIncidents call: it reads at most
// this many entries of the listing index (and so at most this many
// records). A filter that rejects them all returns a short or empty page
// with a cursor to go on from.
const listScanLimit = 2000

// listMinBatch is the fewest index entries a filtered call reads at once.
const listMinBatch = 100

// listKey is the part of a listing index member that orders it: the
// creation time as the complement of its offset-binary Unix nanoseconds,
// 20 digits, so that newer sorts first, then ":" and the id. Members of
// one score sort by their bytes, so the index lists newest first, ties by
// id, as dispatch.Cursor.Compare does.
func listKey(c dispatch.Cursor) string {
	return fmt.Sprintf("%020d:%s", ^(uint64(c.CreatedAt.UnixNano()) ^ (1 << 63)), c.ID)
}

// listMember is the listing index member of inc: its listKey, a NUL byte
// and the cell in hex ("" for none), so that a cell filter reads no
// record. NUL sorts before every byte an id holds (ids hold none), so an
// id's members sort as the ids do.
func listMember(inc dispatch.Incident) string {
	cell := ""
	if inc.Cell != 0 {
		cell = cellHex(inc.Cell)
	}
	return listKey(dispatch.CursorOf(&inc)) + "\x00" + cell
}

// listFrom is the ZRANGEBYLEX bound of the members after c: every member
// of c's key ends "\x00<cell>", so the first byte string after all of
// them is the key and "\x01".
func listFrom(c dispatch.Cursor) string { return "[" + listKey(c) + "\x01" }

// parseListMember reads a listing index member.
func parseListMember(m string) (dispatch.Cursor, h3.Cell, error) {
	key, cell, ok := strings.Cut(m, "\x00")
	if !ok || len(key) < 22 || key[20] != ':' {
		return dispatch.Cursor{}, 0, fmt.Errorf("redis: listing index member %q: malformed", m)
	}
	inv, err := strconv.ParseUint(key[:20], 10, 64)
	if err != nil {
		return dispatch.Cursor{}, 0, fmt.Errorf("redis: listing index member %q: %w", m, err)
	}
	c := dispatch.Cursor{CreatedAt: time.Unix(0, int64(^inv^(1<<63))), ID: key[21:]}
	if cell == "" {
		return c, 0, nil
	}
	n, err := parseCell(cell)
	if err != nil {
		return dispatch.Cursor{}, 0, fmt.Errorf("redis: listing index member %q: %w", m, err)
	}
	return c, n, nil
}

// ListIncidents implements dispatch.Store. It walks the listing index in
// batches (ZRANGEBYLEX, one more entry than it looks at, to know whether
// any follows), filters by cell on the members, reads the remaining
// records in one MGET per batch and filters them by state, until the page
// is full, the index ends or listScanLimit entries were read. An
// unfiltered page takes two round trips.
func (d *Dispatch) ListIncidents(ctx context.Context, q dispatch.IncidentQuery) ([]dispatch.Incident, *dispatch.Cursor, error) {
	if err := dispatch.CheckIncidentQuery(q); err != nil {
		return nil, nil, err
	}
	f := q.Filter()
	from := "-"
	if q.After != nil {
		from = listFrom(*q.After)
	}
	var page []dispatch.Incident
	for scanned := 0; ; {
		want := q.PageSize - len(page)
		n := want
		if f.FiltersStates() || f.FiltersCells() {
			n = max(2*want, listMinBatch)
		}
		n = min(n, listScanLimit-scanned)
		members, err := d.c.ZRangeByLex(ctx, d.k.dispList(), &goredis.ZRangeBy{
			Min: from, Max: "+", Count: int64(n + 1)}).Result()
		if err != nil {
			return nil, nil, fail(err, "list incidents")
		}
		more := len(members) > n
		members = members[:min(n, len(members))]
		got, used, err := d.listBatch(ctx, members, f, want)
		if err != nil {
			return nil, nil, err
		}
		page = append(page, got...)
		scanned += used
		more = more || used < len(members)
		switch {
		case !more:
			return page, nil, nil
		case len(page) == q.PageSize:
			next := dispatch.CursorOf(&page[len(page)-1])
			return page, &next, nil
		}
		last, _, err := parseListMember(members[used-1])
		if err != nil {
			return nil, nil, err
		}
		if scanned >= listScanLimit {
			return page, &last, nil
		}
		from = listFrom(last)
	}
}

// listBatch returns the incidents of members, in order, that pass f, up to
// want of them, and how many members it used: all of them, or up to the
// one of the last incident returned when it found want. The records are
// read in one MGET; without a state filter only the first want that pass
// the cell filter are read (and the members after them left unused).
func (d *Dispatch) listBatch(ctx context.Context, members []string, f dispatch.Filter, want int) ([]dispatch.Incident, int, error) {
	var keys []string
	var at []int // the index in members of each key
	used := len(members)
	for i, m := range members {
		c, cell, err := parseListMember(m)
		if err != nil {
			return nil, 0, err
		}
		if !f.MatchesCell(cell) {
			continue
		}
		keys, at = append(keys, d.k.dispIncident(c.ID)), append(at, i)
		if !f.FiltersStates() && len(keys) == want {
			used = i + 1
			break
		}
	}
	if len(keys) == 0 {
		return nil, used, nil
	}
	vals, err := d.c.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, 0, fail(err, "read incidents")
	}
	var out []dispatch.Incident
	for k, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue // indexed but not stored: never written by this engine
		}
		inc, err := decodeIncident(s)
		if err != nil {
			return nil, 0, fmt.Errorf("redis: %w", err)
		}
		if !f.MatchesState(inc.State) {
			continue
		}
		out = append(out, inc)
		if len(out) == want {
			return out, at[k] + 1, nil
		}
	}
	return out, used, nil
}
