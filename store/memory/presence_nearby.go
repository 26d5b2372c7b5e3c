package memory

import (
	"context"
	"math"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

// Nearby implements presence.Store. It visits the cells of the smallest
// k-disk around a cell near the query that provably holds the largest radius,
// skips those wholly beyond each mode's radius, and filters their
// responders by kind, freshness and the chord to the centre, which never
// exceeds the haversine distance: no one inside a radius is missed, and no
// one returned is more than rounding beyond it.
func (p *Presence) Nearby(ctx context.Context, q presence.NearbyQuery, buf []presence.Candidate) ([]presence.Candidate, error) {
	if err := ctx.Err(); err != nil {
		return buf, err
	}
	if err := geo.ValidateLatLng("center", q.Center); err != nil {
		return buf, err
	}
	s := newSearch(q)
	if s.maxR == 0 {
		return buf, nil
	}
	g := p.disks.near(q.Center, s.maxR, p.attach)
	p.mu.RLock()
	defer p.mu.RUnlock()
	if g == nil {
		return s.scanAll(p.cells, buf), nil
	}
	e := arcM(chord2(s.v, g.centre.v))*(1+1e-9) + 1e-3 // metres from the disk's centre
	k := g.safeK(s.maxR, e)
	if k < 0 {
		return s.scanAll(p.cells, buf), nil
	}
	return s.scanDisk(g.cells[:g.ringEnd[k]], buf), nil
}

// attach points g's cells at their index, creating it.
func (p *Presence) attach(g *diskGeom) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range g.cells {
		g.cells[i].idx = p.cellIndex(g.cells[i].cell)
	}
}

// search is one Nearby call's filter.
type search struct {
	v     vec3          // the centre
	fresh int64         // Unix nanoseconds a responder must have been seen at or after
	kinds uint64        // kindBit of the kinds wanted
	modes [numModes]int // the travel modes searched: modes[:n]
	n     int
	r     [numModes]float64
	chord [numModes]float64 // squared unit chord within which responders are taken
	maxR  float64
}

// newSearch prepares q's filter. Radii get a little slack for rounding.
func newSearch(q presence.NearbyQuery) search {
	s := search{v: unitVector(q.Center), fresh: unixNanos(q.FreshSince), kinds: kindMask(q.Kinds)}
	for m, r := range q.Radius {
		if !(r > 0) {
			continue
		}
		s.r[m] = r*(1+1e-9) + 1e-3
		c := s.r[m] / earthRadiusM
		s.chord[m] = c * c
		s.maxR = max(s.maxR, s.r[m])
		s.modes[s.n] = m
		s.n++
	}
	return s
}

// scanDisk scans, for each mode, the cells that may hold a point within
// its radius.
func (s *search) scanDisk(cells []diskCell, buf []presence.Candidate) []presence.Candidate {
	for i := range cells {
		dc := &cells[i]
		d := earthRadiusM*math.Sqrt(chord2(s.v, dc.v)) - dc.circ // to the cell's nearest point, at least
		if d > s.maxR {
			continue
		}
		for _, m := range s.modes[:s.n] {
			if d <= s.r[m] && len(dc.idx.modes[m]) > 0 {
				buf = s.scanSlots(dc.idx.modes[m], m, buf)
			}
		}
	}
	return buf
}

// scanAll scans every cell: for radii beyond any disk.
func (s *search) scanAll(cells map[h3.Cell]*cellIndex, buf []presence.Candidate) []presence.Candidate {
	for _, ci := range cells {
		for _, m := range s.modes[:s.n] {
			buf = s.scanSlots(ci.modes[m], m, buf)
		}
	}
	return buf
}

// scanSlots appends the responders of one cell and mode that pass.
func (s *search) scanSlots(slots []slot, mode int, buf []presence.Candidate) []presence.Candidate {
	chord := s.chord[mode]
	for i := range slots {
		sl := &slots[i]
		if s.kinds&kindBit(sl.c.Kind) == 0 || sl.seen < s.fresh || chord2(s.v, sl.v) > chord {
			continue
		}
		buf = append(buf, sl.c)
	}
	return buf
}

// kindBit maps a kind to a bit of a mask; kinds beyond 62 share the last.
func kindBit(k grid.ResponderKind) uint64 {
	if k < 0 || k > 62 {
		return 1 << 63
	}
	return 1 << uint(k)
}

// kindMask returns the mask of kinds, every bit for none.
func kindMask(kinds []grid.ResponderKind) uint64 {
	if len(kinds) == 0 {
		return math.MaxUint64
	}
	var m uint64
	for _, k := range kinds {
		m |= kindBit(k)
	}
	return m
}
