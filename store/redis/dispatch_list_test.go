package redis

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/uber/h3-go/v4"
)

// TestListMemberOrder: listing index members sort, byte by byte, as
// dispatch.Cursor.Compare orders their cursors, and read back.
func TestListMemberOrder(t *testing.T) {
	at := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	cell := h3.Cell(0x891f1d48177ffff)
	incs := []dispatch.Incident{
		{ID: "a", CreatedAt: at}, {ID: "a0", CreatedAt: at, Cell: cell}, {ID: "a\x01", CreatedAt: at},
		{ID: "b", CreatedAt: at, Cell: cell}, {ID: "z", CreatedAt: at.Add(-time.Nanosecond)},
		{ID: "y", CreatedAt: at.Add(time.Nanosecond)}, {ID: "x", CreatedAt: time.Unix(-1, 0)},
		{ID: "w", CreatedAt: time.Unix(0, 0)}, {ID: "v:1", CreatedAt: time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, a := range incs {
		ma := listMember(a)
		c, gotCell, err := parseListMember(ma)
		if err != nil || c.ID != a.ID || c.CreatedAt.UnixNano() != a.CreatedAt.UnixNano() || gotCell != a.Cell {
			t.Errorf("parseListMember(%q) = %v, %s, %v; want %s at %v in %s", ma, c, gotCell, err, a.ID, a.CreatedAt, a.Cell)
		}
		for _, b := range incs {
			mb, ca, cb := listMember(b), dispatch.CursorOf(&a), dispatch.CursorOf(&b)
			if got, want := strings.Compare(ma, mb), ca.Compare(cb); sign(got) != sign(want) {
				t.Errorf("members %q, %q compare %d; cursors %d", ma, mb, got, want)
			}
			// The bound after a's cursor admits exactly the members after it.
			if after := mb >= listFrom(ca)[1:]; after != (ca.Compare(cb) < 0) {
				t.Errorf("member %q after the bound of %v: %v", mb, ca, after)
			}
		}
	}
	for _, m := range []string{"", "x", "123:a\x00", strings.Repeat("1", 20) + ":\x00", strings.Repeat("x", 20) + ":a\x00",
		strings.Repeat("1", 20) + ":a\x00zz"} {
		if _, _, err := parseListMember(m); err == nil {
			t.Errorf("parseListMember(%q): no error", m)
		}
	}
}

func sign(n int) int { return min(max(n, -1), 1) }

// TestListScanLimit: a filter that rejects listScanLimit entries in a row
// gets an empty page with a cursor, and paging on finds the rest.
func TestListScanLimit(t *testing.T) {
	ctx := context.Background()
	st := NewDispatch(Options{Client: redistest.New(t), Prefix: redistest.Prefix(t)})
	base := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	n := listScanLimit + 50
	for k := range n {
		inc := dispatch.Incident{ID: fmt.Sprintf("i%05d", k), Category: "dispute", Severity: 1,
			Source: dispatch.SourceCall110, CreatedAt: base.Add(time.Duration(k) * time.Second)}
		if _, _, err := st.CreateIncident(ctx, inc); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"i00000", "i00010"} { // the oldest, behind the bound
		if _, err := st.Transition(ctx, id, dispatch.StateNew, dispatch.StateCancelled, dispatch.Event{At: base}); err != nil {
			t.Fatal(err)
		}
	}
	q := dispatch.IncidentQuery{PageSize: 5, States: []dispatch.State{dispatch.StateCancelled}}
	page, next, err := st.ListIncidents(ctx, q)
	if err != nil || len(page) != 0 || next == nil || next.ID != fmt.Sprintf("i%05d", n-listScanLimit) {
		t.Fatalf("first page = %d incidents, next %v, %v; want none and the cursor of entry %d", len(page), next, err, listScanLimit)
	}
	q.After = next
	page, next, err = st.ListIncidents(ctx, q)
	if got := idsOf(page); err != nil || next != nil || !slices.Equal(got, []string{"i00010", "i00000"}) {
		t.Errorf("second page = %v, next %v, %v; want [i00010 i00000] and no next", got, next, err)
	}
	// Unfiltered, a page is full whatever the bound.
	page, next, err = st.ListIncidents(ctx, dispatch.IncidentQuery{PageSize: dispatch.MaxPageSize})
	if err != nil || len(page) != dispatch.MaxPageSize || next == nil || page[0].ID != fmt.Sprintf("i%05d", n-1) {
		t.Errorf("unfiltered page = %d incidents, next %v, %v", len(page), next, err)
	}
}

func idsOf(incs []dispatch.Incident) []string {
	out := make([]string, len(incs))
	for i, inc := range incs {
		out[i] = inc.ID
	}
	return out
}
