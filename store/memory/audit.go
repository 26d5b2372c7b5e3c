package memory

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/gridwatch/gridwatch/audit"
)

// Audit implements audit.Store in memory: a slice in ID order under a
// lock. Trim drops the oldest records; nothing else bounds it, so a
// long-running memory engine needs gridwatchd's periodic trim.
type Audit struct {
	mu   sync.RWMutex
	now  func() time.Time
	recs []audit.Record // ascending ID
	last audit.ID
}

var _ audit.Store = (*Audit)(nil)

// NewAudit returns an empty trail on the system clock.
func NewAudit() *Audit { return &Audit{now: time.Now} }

// Append stores a copy of r with the next ID, in the current millisecond
// (or, if the clock went back, in the last one used).
func (a *Audit) Append(ctx context.Context, r audit.Record) (audit.Record, error) {
	if err := ctx.Err(); err != nil {
		return audit.Record{}, err
	}
	r.Objects = slices.Clone(r.Objects)
	a.mu.Lock()
	defer a.mu.Unlock()
	id := audit.IDAt(a.now())
	if id.MS <= a.last.MS {
		id = audit.ID{MS: a.last.MS, Seq: a.last.Seq + 1}
	}
	a.last = id
	r.ID, r.At = id, id.Time()
	a.recs = append(a.recs, r)
	return copyRecord(r), nil
}

// auditScanLimit is the most records one List reads, as the Redis engine
// bounds its own: the walk holds the read lock that Append waits on.
const auditScanLimit = 10_000

// List walks back from the query's upper bound, reading at most
// auditScanLimit records; a page has a next token only if a match is
// left (or the scan stopped short).
func (a *Audit) List(ctx context.Context, q audit.Query) (audit.Page, error) {
	if err := ctx.Err(); err != nil {
		return audit.Page{}, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	end := len(a.recs)
	if hi := q.Upper(); !hi.IsZero() {
		end = a.search(hi)
	}
	lo := q.Lower()
	var p audit.Page
	scanned := 0
	for i := end - 1; i >= 0 && a.recs[i].ID.Compare(lo) >= 0; i-- {
		if scanned == auditScanLimit { // a short page; go on below the last read
			p.Next = a.recs[i+1].ID
			break
		}
		scanned++
		if !q.Match(a.recs[i]) {
			continue
		}
		if len(p.Records) == q.Limit { // another match: there is a next page
			p.Next = p.Records[len(p.Records)-1].ID
			break
		}
		p.Records = append(p.Records, copyRecord(a.recs[i]))
	}
	return p, nil
}

// search returns the index of the first record not before id.
func (a *Audit) search(id audit.ID) int {
	return sort.Search(len(a.recs), func(i int) bool { return a.recs[i].ID.Compare(id) >= 0 })
}

// Trim drops the records before the millisecond of before.
func (a *Audit) Trim(ctx context.Context, before time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.search(audit.IDAt(before))
	if n > 0 {
		a.recs = slices.Clone(a.recs[n:])
	}
	return int64(n), nil
}

// copyRecord returns r with its own Objects.
func copyRecord(r audit.Record) audit.Record {
	r.Objects = slices.Clone(r.Objects)
	return r
}
