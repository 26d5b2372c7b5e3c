package memory

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/gridwatch/gridwatch/audit"
)

// Sizes of the trail's memory: chunks of encoded records and pages of
// the index, each allocated whole and released whole.
const (
	// auditChunkSize is the capacity of a chunk; a record that does not
	// fit in one gets a chunk of its own size.
	auditChunkSize = 256 << 10
	// auditPageSize is the number of index entries in a page (128 KiB).
	auditPageSize = 4096
)

// Audit implements audit.Store in memory, compactly: each record encoded
// (audit_codec.go) in chunks of bytes, and an index of entries in pages,
// all in ID order under a lock, none of it holding pointers for the
// garbage collector to follow. Appending copies no earlier record. Trim
// drops the oldest records, and the chunks and pages they alone used;
// nothing else bounds the trail, so a long-running memory engine needs
// gridwatchd's periodic trim.
//
// Records have absolute positions, from 0 for the first ever appended;
// the live ones are [start, end).
type Audit struct {
	mu         sync.RWMutex
	now        func() time.Time
	last       audit.ID
	start, end int
	// chunks[i] is chunk number chunkBase+i; a record never spans two,
	// and a chunk's records come after those of the chunks before it.
	chunks    [][]byte
	chunkBase int
	// pages[i] holds the entries of positions from (pageBase+i) ×
	// auditPageSize on.
	pages    [][]auditEntry
	pageBase int
}

// auditEntry locates one record: its ID, and its encoding, n bytes from
// off in chunk number chunk. It holds no pointers.
type auditEntry struct {
	id     audit.ID
	chunk  uint64
	off, n uint32
}

var _ audit.Store = (*Audit)(nil)

// NewAudit returns an empty trail on the system clock.
func NewAudit() *Audit { return &Audit{now: time.Now} }

// Append stores r encoded with the next ID, in the current millisecond
// (or, if the clock went back, in the last one used).
func (a *Audit) Append(ctx context.Context, r audit.Record) (audit.Record, error) {
	if err := ctx.Err(); err != nil {
		return audit.Record{}, err
	}
	var buf [512]byte // a search's record fits: encoded without allocating
	enc := appendRecord(buf[:0], r)
	if uint64(len(enc)) > math.MaxUint32 {
		return audit.Record{}, fmt.Errorf("%w: an audit record of %d bytes", audit.ErrInvalid, len(enc))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	id := audit.IDAt(a.now())
	if id.MS <= a.last.MS {
		id = audit.ID{MS: a.last.MS, Seq: a.last.Seq + 1}
	}
	a.last = id
	a.store(id, enc)
	r.ID, r.At = id, id.Time() // the trail keeps its own bytes: r is not retained
	return r, nil
}

// store adds the record enc of ID id at the end: into the last chunk if
// it fits, else into a new one. Its caller holds the write lock.
func (a *Audit) store(id audit.ID, enc []byte) {
	c := len(a.chunks) - 1
	if c < 0 || cap(a.chunks[c])-len(a.chunks[c]) < len(enc) {
		a.chunks = append(a.chunks, make([]byte, 0, max(auditChunkSize, len(enc))))
		c++
	}
	off := len(a.chunks[c])
	a.chunks[c] = append(a.chunks[c], enc...)
	p := a.end/auditPageSize - a.pageBase
	if p == len(a.pages) {
		a.pages = append(a.pages, make([]auditEntry, 0, auditPageSize))
	}
	e := auditEntry{id: id, chunk: uint64(a.chunkBase + c), off: uint32(off), n: uint32(len(enc))}
	a.pages[p] = append(a.pages[p], e)
	a.end++
}

// entry returns the index entry of the live position i.
func (a *Audit) entry(i int) *auditEntry {
	return &a.pages[i/auditPageSize-a.pageBase][i%auditPageSize]
}

// encoding returns the encoded record e locates, aliasing its chunk.
func (a *Audit) encoding(e *auditEntry) []byte {
	return a.chunks[int(e.chunk)-a.chunkBase][e.off : e.off+e.n]
}

// auditScanLimit is the most records one List reads, as the Redis engine
// bounds its own: the walk holds the read lock that Append waits on.
const auditScanLimit = 10_000

// List walks back from the query's upper bound, reading at most
// auditScanLimit records; a page has a next token only if a match is
// left (or the scan stopped short). Only records whose encoding may
// match are decoded.
func (a *Audit) List(ctx context.Context, q audit.Query) (audit.Page, error) {
	if err := ctx.Err(); err != nil {
		return audit.Page{}, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	end := a.end
	if hi := q.Upper(); !hi.IsZero() {
		end = a.search(hi)
	}
	lo := q.Lower()
	var p audit.Page
	scanned := 0
	for i := end - 1; i >= a.start && a.entry(i).id.Compare(lo) >= 0; i-- {
		if scanned == auditScanLimit { // a short page; go on below the last read
			p.Next = a.entry(i + 1).id
			break
		}
		scanned++
		r, ok, err := a.read(q, a.entry(i))
		if err != nil {
			return audit.Page{}, err
		}
		if !ok {
			continue
		}
		if len(p.Records) == q.Limit { // another match: there is a next page
			p.Next = p.Records[len(p.Records)-1].ID
			break
		}
		p.Records = append(p.Records, r)
	}
	return p, nil
}

// read returns the record e locates if it passes q's filters, decoding it
// only if its encoding may.
func (a *Audit) read(q audit.Query, e *auditEntry) (audit.Record, bool, error) {
	enc := a.encoding(e)
	if h, err := readHead(enc); err == nil && !mayMatch(q, h) {
		return audit.Record{}, false, nil
	}
	r, err := decodeRecord(e.id, enc) // fails too if readHead did
	if err != nil {
		return audit.Record{}, false, fmt.Errorf("memory: audit record %s: %w", e.id, err)
	}
	return r, q.Match(r), nil
}

// search returns the live position of the first record not before id.
func (a *Audit) search(id audit.ID) int {
	return a.start + sort.Search(a.end-a.start, func(i int) bool { return a.entry(a.start+i).id.Compare(id) >= 0 })
}

// Trim drops the records before the millisecond of before, and releases
// the pages and chunks that held only those.
func (a *Audit) Trim(ctx context.Context, before time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.search(audit.IDAt(before)) - a.start
	if n == 0 {
		return 0, nil
	}
	a.start += n
	if pages := a.start/auditPageSize - a.pageBase; pages > 0 {
		a.pages = slices.Delete(a.pages, 0, pages) // clears the pages it moves past
		a.pageBase += pages
	}
	chunks := len(a.chunks) // all, if nothing is left
	if a.start < a.end {
		chunks = int(a.entry(a.start).chunk) - a.chunkBase
	}
	if chunks > 0 {
		a.chunks = slices.Delete(a.chunks, 0, chunks)
		a.chunkBase += chunks
	}
	return int64(n), nil
}
