package memory

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

// Presence implements presence.Store in memory. One RWMutex guards it:
// changes are atomic, searches run in parallel with each other.
//
// The spatial index holds, per H3 cell at presence.IndexResolution and
// travel mode, the responders that are Available and have a position: a
// slice per cell and mode, each responder remembering its slot, so a move
// or a status change is O(1). Nearby visits the cells of a k-disk around
// the query (presence_disk.go), whose geometry is cached with pointers to
// the cells' index, so a search makes no map lookup per cell. Cells enter
// the index when a responder or a searched disk first touches them and are
// never removed: a city has a few thousand. The time in own grid is kept
// per responder and day for the newest 31 days seen, across shifts.
type Presence struct {
	mu      sync.RWMutex
	entries map[string]*presenceEntry
	cells   map[h3.Cell]*cellIndex
	days    map[string]map[string]*dayTotals
	newest  string // the newest day with counters
	oldest  string // the oldest day kept: keptDays before newest
	disks   *diskCache
}

var _ presence.Store = (*Presence)(nil)

// presenceEntry is one on-shift responder.
type presenceEntry struct {
	rec  presence.Record
	ci   *cellIndex // the cell it is indexed in, nil when not indexed
	slot int        // in ci.modes[rec.Mode]
	// day and totals are the counters it last accrued to, spared a lookup.
	day    string
	totals *dayTotals
}

// cellIndex is one cell of the spatial index.
type cellIndex struct {
	modes [numModes][]slot // by grid.TravelMode
}

// slot is an indexed responder with what the search filters on and
// returns at hand, so that a search reads no record.
type slot struct {
	v    vec3  // unit vector of the position
	seen int64 // SeenAt in Unix nanoseconds
	c    presence.Candidate
	e    *presenceEntry
}

// dayTotals are one responder's counters of one day.
type dayTotals struct{ onShift, inside time.Duration }

const (
	// keptDays is how many days of time in own grid are kept.
	keptDays = 31
	// numModes is the size of the travel mode enum, unspecified included.
	numModes = 4
)

// NewPresence returns an empty presence store.
func NewPresence() *Presence {
	return &Presence{
		entries: map[string]*presenceEntry{},
		cells:   map[h3.Cell]*cellIndex{},
		days:    map[string]map[string]*dayTotals{},
		disks:   newDiskCache(defaultDiskCacheSize),
	}
}

// notOnShift wraps presence.ErrNotOnShift.
func notOnShift(id string) error {
	return fmt.Errorf("responder %q: %w", id, presence.ErrNotOnShift)
}

// StartShift implements presence.Store.
func (p *Presence) StartShift(ctx context.Context, r presence.Record) (presence.Record, error) {
	if err := ctx.Err(); err != nil {
		return presence.Record{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.entries[r.ID]; ok {
		return e.rec, nil
	}
	e := &presenceEntry{}
	p.entries[r.ID] = e
	p.reindex(e, r)
	return r, nil
}

// EndShift implements presence.Store. The day counters stay.
func (p *Presence) EndShift(ctx context.Context, id string) (presence.Record, error) {
	if err := ctx.Err(); err != nil {
		return presence.Record{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.entries[id]
	if !ok {
		return presence.Record{}, notOnShift(id)
	}
	p.unindex(e)
	delete(p.entries, id)
	return e.rec, nil
}

// SetStatus implements presence.Store.
func (p *Presence) SetStatus(ctx context.Context, id string, s presence.Status) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s != presence.Available && s != presence.Busy {
		return &geo.FieldError{Field: "status", Reason: fmt.Sprintf("%s cannot be set", s)}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.entries[id]
	if !ok {
		return notOnShift(id)
	}
	next := e.rec
	next.Status = s
	p.reindex(e, next)
	return nil
}

// Get implements presence.Store.
func (p *Presence) Get(ctx context.Context, id string) (presence.Record, error) {
	if err := ctx.Err(); err != nil {
		return presence.Record{}, err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	e, ok := p.entries[id]
	if !ok {
		return presence.Record{}, notOnShift(id)
	}
	return e.rec, nil
}

// OwnGridDay implements presence.Store.
func (p *Presence) OwnGridDay(ctx context.Context, id, day string) (presence.OwnGridDay, error) {
	if err := ctx.Err(); err != nil {
		return presence.OwnGridDay{}, err
	}
	out := presence.OwnGridDay{ResponderID: id, Day: day}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if t := p.days[day][id]; t != nil {
		out.OnShiftS, out.InsideS = t.onShift.Seconds(), t.inside.Seconds()
	}
	return out, nil
}

// unixNanos returns t in Unix nanoseconds, clamped to int64; the zero time
// is the smallest.
func unixNanos(t time.Time) int64 {
	const maxSec = math.MaxInt64/int64(time.Second) - 1
	switch s := t.Unix(); {
	case t.IsZero() || s < -maxSec:
		return math.MinInt64
	case s > maxSec:
		return math.MaxInt64
	}
	return t.UnixNano()
}
