// Package audittest is the conformance suite of audit.Store: every engine
// runs RunStoreTests.
package audittest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/auth"
)

// NewStore returns an empty store for one test.
type NewStore func(t *testing.T) audit.Store

// RunStoreTests runs the suite on stores newStore makes.
func RunStoreTests(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		run  func(*testing.T, NewStore)
	}{
		{"AppendOrderAndFields", testAppendOrder},
		{"ListFilters", testListFilters},
		{"Paging", testPaging},
		{"Trim", testTrim},
		{"ConcurrentAppends", testConcurrent},
		{"FailedAppend", testFailedAppend},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newStore) })
	}
}

// Cell is a resolution-7 cell in Shenyang.
var Cell = h3.Cell(0x871f05a34ffffff)

// sample returns varied records: every field set on some.
func sample() []audit.Record {
	return []audit.Record{
		{Actor: "alice", Role: auth.RoleAdmin, TokenID: "t1", Action: "grid.ImportUnits", Objects: []string{"units"}},
		{Actor: "d1", Role: auth.RoleDispatcher, TokenID: "t2", Action: "presence.FindResponders",
			Objects: []string{"responders/r1", "responders/r2"}, Omitted: 3, Cell: Cell},
		{Actor: "r1", Role: auth.RoleVolunteer, Action: "dispatch.AcceptOffer",
			Objects: []string{"offers/o1", "responders/r1"}},
		{Actor: "r1", Role: auth.RoleVolunteer, Action: "dispatch.AcceptOffer",
			Objects: []string{"offers/o1", "responders/r1", "incidents/i1"}, Cell: Cell, Outcome: "OK",
			Ref: audit.ID{MS: 1, Seq: 2}},
		{Actor: "张伟", Role: auth.RoleOfficer, Action: "dispatch.TransitionIncident",
			Objects: []string{"incidents/事件 1"}, Outcome: "FAILED_PRECONDITION"},
		{Role: auth.RoleStationChief, Action: "presence.StartShift"},
	}
}

// appendAll appends rs in order and returns them as stored.
func appendAll(t *testing.T, st audit.Store, rs []audit.Record) []audit.Record {
	t.Helper()
	out := make([]audit.Record, len(rs))
	for i, r := range rs {
		got, err := st.Append(context.Background(), r)
		if err != nil {
			t.Fatalf("Append(%s): %v", r.Action, err)
		}
		out[i] = got
	}
	return out
}

// listAll pages through q with the given limit and returns every record.
func listAll(t *testing.T, st audit.Store, q audit.Query) []audit.Record {
	t.Helper()
	var out []audit.Record
	for pages := 0; ; pages++ {
		if pages > 10_000 {
			t.Fatal("List never ends")
		}
		p, err := st.List(context.Background(), q)
		if err != nil {
			t.Fatalf("List(%+v): %v", q, err)
		}
		if len(p.Records) > q.Limit {
			t.Fatalf("List returned %d records, limit %d", len(p.Records), q.Limit)
		}
		out = append(out, p.Records...)
		if p.Next.IsZero() {
			return out
		}
		if !q.After.IsZero() && p.Next.Compare(q.After) >= 0 {
			t.Fatalf("Next %s does not go back from After %s", p.Next, q.After)
		}
		q.After = p.Next
	}
}

// newest returns rs newest first.
func newest(rs []audit.Record) []audit.Record {
	out := slices.Clone(rs)
	slices.Reverse(out)
	return out
}

func testAppendOrder(t *testing.T, newStore NewStore) {
	st := newStore(t)
	in := sample()
	got := appendAll(t, st, in)
	for i, r := range got {
		if i > 0 && r.ID.Compare(got[i-1].ID) <= 0 {
			t.Errorf("ID %s after %s: not increasing", r.ID, got[i-1].ID)
		}
		if !r.At.Equal(r.ID.Time()) {
			t.Errorf("At %s, want the millisecond of ID %s", r.At, r.ID)
		}
		want := in[i]
		want.ID, want.At = r.ID, r.At
		if !equal(r, want) {
			t.Errorf("Append returned %+v, want %+v", r, want)
		}
	}
	listed := listAll(t, st, audit.Query{Limit: 100})
	if want := newest(got); !equalAll(listed, want) {
		t.Errorf("List = %+v\nwant %+v", listed, want)
	}
}

// equal compares records, times by instant and nil by empty.
func equal(a, b audit.Record) bool {
	if !a.At.Equal(b.At) || len(a.Objects) != len(b.Objects) {
		return false
	}
	a.At, b.At = time.Time{}, time.Time{}
	if len(a.Objects) == 0 {
		a.Objects, b.Objects = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

func equalAll(a, b []audit.Record) bool {
	return slices.EqualFunc(a, b, equal)
}

func ids(rs []audit.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID.String()
	}
	return out
}

// tick waits until the clock is in a later millisecond.
func tick() { time.Sleep(3 * time.Millisecond) }

func testListFilters(t *testing.T, newStore NewStore) {
	st := newStore(t)
	var all []audit.Record
	for range 3 {
		all = append(all, appendAll(t, st, sample())...)
		tick()
	}
	mid, last := all[len(sample())].At, all[2*len(sample())].At
	queries := []audit.Query{
		{},
		{Actor: "r1"},
		{Action: "dispatch.AcceptOffer"},
		{Object: "responders/r1"},
		{Object: "incidents/事件 1"},
		{Actor: "r1", Object: "incidents/i1"},
		{Actor: "nobody"},
		{Since: mid},
		{Until: mid},
		{Since: mid, Until: last},
		{Since: mid, Actor: "d1"},
		{After: all[4].ID},
		{After: all[10].ID, Until: mid},
	}
	for _, q := range queries {
		var want []audit.Record
		for _, r := range newest(all) {
			if inRange(q, r) && q.Match(r) {
				want = append(want, r)
			}
		}
		for _, limit := range []int{1, 4, audit.MaxLimit} {
			q.Limit = limit
			if got := listAll(t, st, q); !slices.Equal(ids(got), ids(want)) {
				t.Errorf("List(%+v) = %v, want %v", q, ids(got), ids(want))
			}
		}
	}
}

// inRange reports whether r is in q's range and before its After.
func inRange(q audit.Query, r audit.Record) bool {
	if lo := q.Lower(); r.ID.Compare(lo) < 0 {
		return false
	}
	hi := q.Upper()
	return hi.IsZero() || r.ID.Compare(hi) < 0
}

func testPaging(t *testing.T, newStore NewStore) {
	st := newStore(t)
	var in []audit.Record
	for i := range 25 {
		in = append(in, audit.Record{Actor: fmt.Sprintf("a%d", i%3), Action: "x.Y"})
	}
	got := appendAll(t, st, in)
	p, err := st.List(context.Background(), audit.Query{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) != 10 || p.Next.IsZero() {
		t.Fatalf("first page: %d records, next %q; want 10 and a next", len(p.Records), p.Next)
	}
	if want := newest(got)[:10]; !slices.Equal(ids(p.Records), ids(want)) {
		t.Errorf("first page %v, want %v", ids(p.Records), ids(want))
	}
	all := listAll(t, st, audit.Query{Limit: 7})
	if !slices.Equal(ids(all), ids(newest(got))) {
		t.Errorf("pages of 7: %v, want %v", ids(all), ids(newest(got)))
	}
}

func testTrim(t *testing.T, newStore NewStore) {
	st, ctx := newStore(t), context.Background()
	old := appendAll(t, st, sample()[:3])
	tick()
	kept := appendAll(t, st, sample()[3:])
	n, err := st.Trim(ctx, kept[0].At)
	if err != nil {
		t.Fatalf("Trim: %v", err)
	}
	if n != int64(len(old)) {
		t.Errorf("Trim removed %d, want %d", n, len(old))
	}
	if got := listAll(t, st, audit.Query{Limit: 100}); !slices.Equal(ids(got), ids(newest(kept))) {
		t.Errorf("after Trim: %v, want %v", ids(got), ids(newest(kept)))
	}
	if n, err := st.Trim(ctx, kept[0].At); err != nil || n != 0 {
		t.Errorf("Trim again: %d, %v; want 0, nil", n, err)
	}
	if n, err := st.Trim(ctx, time.Unix(0, 0)); err != nil || n != 0 {
		t.Errorf("Trim(1970): %d, %v; want 0, nil", n, err)
	}
}

func testConcurrent(t *testing.T, newStore NewStore) {
	st := newStore(t)
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				r := audit.Record{Actor: fmt.Sprintf("w%d", w), Action: "x.Y", Objects: []string{fmt.Sprint(i)}}
				if _, err := st.Append(context.Background(), r); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Append: %v", err)
	}
	got := listAll(t, st, audit.Query{Limit: 50})
	if len(got) != writers*each {
		t.Fatalf("listed %d records, want %d", len(got), writers*each)
	}
	seen := map[string]bool{}
	for i, r := range got {
		key := r.Actor + "/" + r.Objects[0]
		if seen[key] {
			t.Errorf("record %s listed twice", key)
		}
		seen[key] = true
		if i > 0 && r.ID.Compare(got[i-1].ID) >= 0 {
			t.Errorf("ID %s listed after %s: not newest first", r.ID, got[i-1].ID)
		}
	}
}

func testFailedAppend(t *testing.T, newStore NewStore) {
	st := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := st.Append(ctx, sample()[0]); err == nil {
		t.Fatal("Append with a cancelled context succeeded")
	}
	if got := listAll(t, st, audit.Query{Limit: 10}); len(got) != 0 {
		t.Errorf("after a failed Append: %v, want nothing", ids(got))
	}
}
