package memory_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/dispatch/dispatchtest"
	"github.com/gridwatch/gridwatch/store/memory"
)

// BenchmarkDispatchList lists pages of 50 among 50,000 incidents, one in
// ten cancelled: unfiltered from the middle, and only the cancelled ones.
func BenchmarkDispatchList(b *testing.B) {
	ctx := context.Background()
	st := memory.NewDispatch()
	const n = 50_000
	for k := range n {
		inc := dispatch.Incident{ID: fmt.Sprintf("i%05d", k), Category: "dispute", Severity: 1,
			Source: dispatch.SourceCall110, CreatedAt: dispatchtest.Base.Add(time.Duration(k) * time.Second)}
		if _, _, err := st.CreateIncident(ctx, inc); err != nil {
			b.Fatal(err)
		}
		if k%10 == 0 {
			if _, err := st.Transition(ctx, inc.ID, dispatch.StateNew, dispatch.StateCancelled,
				dispatch.Event{At: inc.CreatedAt}); err != nil {
				b.Fatal(err)
			}
		}
	}
	middle := &dispatch.Cursor{CreatedAt: dispatchtest.Base.Add(n / 2 * time.Second), ID: "i25000"}
	for _, q := range []struct {
		name string
		q    dispatch.IncidentQuery
	}{
		{"unfiltered", dispatch.IncidentQuery{PageSize: 50, After: middle}},
		{"cancelled", dispatch.IncidentQuery{PageSize: 50, After: middle, States: []dispatch.State{dispatch.StateCancelled}}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				page, _, err := st.ListIncidents(ctx, q.q)
				if err != nil || len(page) != 50 {
					b.Fatalf("%d incidents, %v", len(page), err)
				}
			}
		})
	}
}
