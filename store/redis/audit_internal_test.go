package redis

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/internal/redistest"
)

// TestAuditScanLimit: a filter that rejects more entries than one call
// reads returns a short page with a Next to go on from, and paging on
// finds every match.
func TestAuditScanLimit(t *testing.T) {
	ctx := context.Background()
	st := NewAudit(Options{Client: redistest.New(t), Prefix: redistest.Prefix(t)})
	st.scanLimit = auditBatch
	var want []string
	for i := range 3 * auditBatch {
		actor := "other"
		if i%700 == 0 {
			actor = "x"
		}
		r, err := st.Append(ctx, audit.Record{Actor: actor, Action: "x.Y", Objects: []string{fmt.Sprint(i)}})
		if err != nil {
			t.Fatal(err)
		}
		if actor == "x" {
			want = append(want, r.ID.String())
		}
	}
	slices.Reverse(want)
	q := audit.Query{Actor: "x", Limit: 10}
	p, err := st.List(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) != 1 || p.Next.IsZero() {
		t.Fatalf("first page: %d records, next %v; want 1 (of the newest %d entries) and a next",
			len(p.Records), p.Next, auditBatch)
	}
	var got []string
	for pages := 0; ; pages++ {
		for _, r := range p.Records {
			got = append(got, r.ID.String())
		}
		if p.Next.IsZero() || pages > 10 {
			break
		}
		q.After = p.Next
		if p, err = st.List(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged %v, want %v", got, want)
	}
}
