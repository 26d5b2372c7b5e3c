package memory_test

import (
	"testing"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/audit/audittest"
	"github.com/gridwatch/gridwatch/store/memory"
)

func TestAuditConformance(t *testing.T) {
	audittest.RunStoreTests(t, func(*testing.T) audit.Store { return memory.NewAudit() })
}

// TestAuditListBounds: a page has a next token only while a match is left,
// and one List reads at most 10,000 records, returning a short page with
// a token to go on below the last record read.
func TestAuditListBounds(t *testing.T) {
	st, ctx := memory.NewAudit(), t.Context()
	add := func(actor string, n int) {
		for range n {
			if _, err := st.Append(ctx, audit.Record{Actor: actor, Action: "a"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	add("x", 1)
	add("y", 12_000)
	add("x", 2)
	pages := []struct {
		actor   string
		records int
		next    bool
	}{
		// The newest two x; looking for a third stops after 10,000 reads.
		{"x", 2, true},
		{"x", 1, false}, // the oldest x: nothing left
		{"z", 0, true},  // nothing in the first 10,000: a short empty page
		{"z", 0, false}, // nor in the rest
	}
	var after audit.ID
	for i, pg := range pages {
		if i > 0 && pages[i-1].actor != pg.actor {
			after = audit.ID{}
		}
		p, err := st.List(ctx, audit.Query{Actor: pg.actor, Limit: 2, After: after})
		if err != nil || len(p.Records) != pg.records || p.Next.IsZero() == pg.next {
			t.Fatalf("page %d of %s: %d records, next %v, %v; want %d, a next token %v", i, pg.actor,
				len(p.Records), p.Next, err, pg.records, pg.next)
		}
		after = p.Next
	}
	p, err := st.List(ctx, audit.Query{Actor: "x", Limit: 3})
	if err != nil || len(p.Records) != 2 || p.Next.IsZero() {
		t.Errorf("a page for all three: %d records, next %v, %v; want the 2 within 10,000 reads and a token",
			len(p.Records), p.Next, err)
	}
}
