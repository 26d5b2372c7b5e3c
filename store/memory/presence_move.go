package memory

import (
	"context"
	"time"

	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

// Move implements presence.Store.
func (p *Presence) Move(ctx context.Context, m presence.Move) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.entries[m.ResponderID]
	if !ok {
		return false, notOnShift(m.ResponderID)
	}
	if e.rec.HasFix && m.FixTime.Before(e.rec.FixTime) {
		return false, nil
	}
	if m.TrackOwnGrid && e.rec.HasFix {
		p.accrue(e, m)
	}
	next := e.rec
	next.HasFix, next.Position, next.Cell = true, m.Position, m.Cell
	next.AccuracyM, next.FixTime, next.SeenAt, next.Inside = m.AccuracyM, m.FixTime, m.SeenAt, m.Inside
	p.reindex(e, next)
	return true, nil
}

// accrue adds the interval from e's last update to m's, capped, to m.Day.
func (p *Presence) accrue(e *presenceEntry, m presence.Move) {
	dt := m.SeenAt.Sub(e.rec.SeenAt)
	if dt <= 0 {
		return
	}
	if m.AccrueCap > 0 && dt > m.AccrueCap {
		dt = m.AccrueCap
	}
	if m.Day != e.day || m.Day > p.newest || m.Day < p.oldest {
		e.day, e.totals = m.Day, p.dayTotals(m.ResponderID, m.Day)
	}
	if t := e.totals; t != nil {
		t.onShift += dt
		if e.rec.Inside {
			t.inside += dt
		}
	}
}

// dayTotals returns the counters of id on day, creating them; nil for a
// day older than the kept window. A new newest day drops the days that
// fall out of the window.
func (p *Presence) dayTotals(id, day string) *dayTotals {
	if day > p.newest {
		p.newest, p.oldest = day, oldestKeptDay(day)
		p.pruneDays()
	}
	if day < p.oldest {
		return nil
	}
	byID := p.days[day]
	if byID == nil {
		byID = map[string]*dayTotals{}
		p.days[day] = byID
	}
	t := byID[id]
	if t == nil {
		t = &dayTotals{}
		byID[id] = t
	}
	return t
}

// pruneDays drops the days before the window ending at p.newest.
func (p *Presence) pruneDays() {
	for day := range p.days {
		if day < p.oldest {
			delete(p.days, day)
		}
	}
}

// oldestKeptDay returns the first day of the keptDays-day window ending on
// newest, or "" (keep everything) if newest is not a date.
func oldestKeptDay(newest string) string {
	const layout = "2006-01-02"
	t, err := time.Parse(layout, newest)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, 1-keptDays).Format(layout)
}

// indexed reports whether r belongs in the spatial index.
func indexed(r presence.Record) bool {
	return r.Status == presence.Available && r.HasFix && r.Mode >= 0 && int(r.Mode) < numModes
}

// reindex sets e's record to next and brings the index in line: an update
// in place when the responder stays in its cell, else a move between
// cells. Must hold the write lock.
func (p *Presence) reindex(e *presenceEntry, next presence.Record) {
	if e.ci != nil && indexed(next) && next.Mode == e.rec.Mode && next.Cell == e.rec.Cell {
		e.rec = next
		e.ci.modes[next.Mode][e.slot] = slotOf(e)
		return
	}
	p.unindex(e)
	e.rec = next
	if indexed(next) {
		ci := p.cellIndex(next.Cell)
		e.ci, e.slot = ci, len(ci.modes[next.Mode])
		ci.modes[next.Mode] = append(ci.modes[next.Mode], slotOf(e))
	}
}

// unindex removes e from its cell by moving the cell's last slot into its
// place.
func (p *Presence) unindex(e *presenceEntry) {
	if e.ci == nil {
		return
	}
	slots := e.ci.modes[e.rec.Mode]
	last := len(slots) - 1
	if e.slot != last {
		slots[e.slot] = slots[last]
		slots[e.slot].e.slot = e.slot
	}
	slots[last] = slot{}
	e.ci.modes[e.rec.Mode] = slots[:last]
	e.ci, e.slot = nil, 0
}

// cellIndex returns c's index, creating it. Must hold the write lock.
func (p *Presence) cellIndex(c h3.Cell) *cellIndex {
	ci := p.cells[c]
	if ci == nil {
		ci = &cellIndex{}
		p.cells[c] = ci
	}
	return ci
}

// slotOf returns e's index slot.
func slotOf(e *presenceEntry) slot {
	r := &e.rec
	return slot{v: unitVector(r.Position), seen: unixNanos(r.SeenAt), e: e,
		c: presence.Candidate{ID: r.ID, Kind: r.Kind, Mode: r.Mode, Position: r.Position, Cell: r.Cell}}
}
