package audit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uber/h3-go/v4"
)

// Recorder writes, lists and trims the trail of a Store.
type Recorder struct {
	st  Store
	now func() time.Time
}

// NewRecorder returns a Recorder over st; now (time.Now if nil) is the
// clock retention is measured by. st must not be nil.
func NewRecorder(st Store, now func() time.Time) *Recorder {
	if st == nil {
		panic("audit: NewRecorder: nil Store")
	}
	if now == nil {
		now = time.Now
	}
	return &Recorder{st: st, now: now}
}

// Record stores r, shaped first: its cell coarsened to CellResolution,
// its strings cut to their caps, its objects to MaxObjects (the rest
// counted in Omitted). It returns the record as stored. An error, which
// matches ErrUnrecorded, means the record may not be stored: the call it
// records must not go ahead (or, for a read, not answer).
func (r *Recorder) Record(ctx context.Context, rec Record) (Record, error) {
	if rec.Action == "" {
		return Record{}, fmt.Errorf("%w: %w: record without an action", ErrUnrecorded, ErrInvalid)
	}
	rec = Shape(rec)
	out, err := r.st.Append(ctx, rec)
	if err != nil {
		return Record{}, fmt.Errorf("%w: %s: %w", ErrUnrecorded, rec.Action, err)
	}
	return out, nil
}

// Shape returns r as the trail keeps it: ID and At cleared (the store
// sets them), the cell coarsened to CellResolution (0 if it is not a
// valid cell at that resolution or finer), strings cut at a character
// boundary to their caps, objects past MaxObjects dropped and counted in
// Omitted. Its Objects share r's array unless a name had to change; r's
// are never written.
func Shape(r Record) Record {
	r.ID, r.At = ID{}, time.Time{}
	r.Cell = Coarsen(r.Cell)
	r.Actor, r.TokenID = clip(r.Actor, MaxFieldBytes), clip(r.TokenID, MaxFieldBytes)
	r.Action, r.Outcome = clip(r.Action, MaxFieldBytes), clip(r.Outcome, MaxFieldBytes)
	r.Omitted = max(r.Omitted, 0)
	if len(r.Objects) > MaxObjects {
		r.Omitted += len(r.Objects) - MaxObjects
		r.Objects = r.Objects[:MaxObjects]
	}
	copied := false // r.Objects is the caller's array until a name changes
	for i, o := range r.Objects {
		if c := clip(o, MaxObjectBytes); c != o {
			if !copied {
				r.Objects, copied = slices.Clone(r.Objects), true
			}
			r.Objects[i] = c
		}
	}
	return r
}

// Coarsen returns the CellResolution ancestor of c, or 0 if c is not a
// valid cell at that resolution or finer.
func Coarsen(c h3.Cell) h3.Cell {
	if c == 0 || !c.IsValid() || c.Resolution() < CellResolution {
		return 0
	}
	p, err := c.Parent(CellResolution)
	if err != nil {
		return 0
	}
	return p
}

// clip cuts s to at most n bytes at a character boundary, and replaces
// invalid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// List returns a page of the records q selects, newest first. A Limit of
// 0 means 100; the range must not be inverted.
func (r *Recorder) List(ctx context.Context, q Query) (Page, error) {
	switch {
	case q.Limit == 0:
		q.Limit = 100
	case q.Limit < 0 || q.Limit > MaxLimit:
		return Page{}, fmt.Errorf("%w: limit %d outside 1..%d", ErrInvalid, q.Limit, MaxLimit)
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return Page{}, fmt.Errorf("%w: since %s is not before until %s", ErrInvalid, q.Since, q.Until)
	}
	return r.st.List(ctx, q)
}

// Trim removes the records older than retention, by the Recorder's
// clock, and returns how many it removed. A retention of 0 or less keeps
// everything.
func (r *Recorder) Trim(ctx context.Context, retention time.Duration) (int64, error) {
	if retention <= 0 {
		return 0, nil
	}
	n, err := r.st.Trim(ctx, r.now().Add(-retention))
	if err != nil {
		return n, fmt.Errorf("audit: trimming records older than %s: %w", retention, err)
	}
	return n, nil
}
