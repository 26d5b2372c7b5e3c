package memory_test

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/audit/audittest"
	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/store/memory"
)

// searchObjects is how many responders a dispatcher's search discloses in
// the benchmarks: a typical FindResponders answer.
const searchObjects = 21

// searchRecord returns the record of a dispatcher's search disclosing
// searchObjects responders "responders/b{n:05}" from first on. The names
// are slices of one fresh string, as the API's are of its reply.
func searchRecord(first int) audit.Record {
	var sb strings.Builder
	sb.Grow(searchObjects * len("responders/b00000"))
	ends := make([]int, searchObjects)
	for i := range ends {
		n := strconv.Itoa((first + i*37) % 100_000)
		sb.WriteString("responders/b")
		sb.WriteString("00000"[len(n):])
		sb.WriteString(n)
		ends[i] = sb.Len()
	}
	all, objs := sb.String(), make([]string, searchObjects)
	start := 0
	for i, end := range ends {
		objs[i], start = all[start:end], end
	}
	return audit.Record{Actor: "dispatcher-" + strconv.Itoa(first%40), Role: auth.RoleDispatcher,
		TokenID: "tok-7f3c9a2e51d04b86", Action: "presence.FindResponders", Objects: objs, Cell: audittest.Cell}
}

// heapPerRecord appends n fresh search records to an empty trail and
// returns the heap bytes the trail holds per record, after a collection.
func heapPerRecord(b *testing.B, n int) float64 {
	st, ctx := memory.NewAudit(), context.Background()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range n {
		if _, err := st.Append(ctx, searchRecord(i)); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(st)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
}

// BenchmarkAuditAppend appends dispatchers' search records to a trail
// that starts anew every auditBenchTrail records, as a server under a
// steady search load grows it between trims. B/record is the heap the
// trail holds per record (fresh names each, as the API's).
func BenchmarkAuditAppend(b *testing.B) {
	const auditBenchTrail = 1 << 17
	perRecord := heapPerRecord(b, 50_000)
	in := make([]audit.Record, 1024)
	for i := range in {
		in[i] = searchRecord(i * searchObjects)
	}
	st, ctx := memory.NewAudit(), context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i++; i%auditBenchTrail == 0 {
			st = memory.NewAudit()
		}
		if _, err := st.Append(ctx, in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(perRecord, "B/record") // after the loop, which resets metrics
}

// BenchmarkAuditList lists a trail of search records: a page of the
// newest 100, and a search for an object no record lists, which reads the
// 10,000 records one call may.
func BenchmarkAuditList(b *testing.B) {
	st, ctx := memory.NewAudit(), context.Background()
	for i := range 20_000 {
		if _, err := st.Append(ctx, searchRecord(i)); err != nil {
			b.Fatal(err)
		}
	}
	queries := []struct {
		name string
		q    audit.Query
	}{
		{"Newest100", audit.Query{Limit: 100}},
		{"ObjectScan", audit.Query{Object: "responders/nobody", Limit: 100}},
	}
	for _, bq := range queries {
		b.Run(bq.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := st.List(ctx, bq.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
