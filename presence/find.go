package presence

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// Query asks for the responders nearest to a point.
type Query struct {
	Point geo.LatLng // WGS-84
	// Kinds restricts the responders' kinds; empty means every kind.
	Kinds []grid.ResponderKind
	// Limit is the most responders listed per circle; 0 means
	// Config.DefaultLimit, at most MaxLimit.
	Limit int
}

// FindResponders returns, for each of Config.Circles in order, the
// available responders whose ETA to q.Point falls in that circle: circle i
// holds Circles[i-1] < eta ≤ Circles[i] (with the defaults, ≤ 60 s, then
// 60 to 180 s, then 180 to 300 s), so a responder appears at most once.
// Only responders on shift, Available, with a position and seen within
// StaleAfter count. Each circle is ordered by ETA, ties by responder id,
// and cut to the limit; ETAs and distances come from the Model, from the
// responder's position to q.Point.
//
// The result is exactly what ranking every responder by hand would give;
// the engine's spatial index only narrows the candidates.
func (s *Service) FindResponders(ctx context.Context, q Query) ([]Circle, error) {
	limit, err := s.checkQuery(q)
	if err != nil {
		return nil, err
	}
	sc := s.pool.Get().(*scratch)
	defer s.putScratch(sc)
	nq := NearbyQuery{Center: q.Point, Radius: s.radius, Kinds: q.Kinds,
		FreshSince: s.cfg.Now().Add(-s.cfg.StaleAfter)}
	if sc.cands, err = s.st.Nearby(ctx, nq, sc.cands[:0]); err != nil {
		return nil, fmt.Errorf("searching responders: %w", err)
	}
	sc.reset(len(s.cfg.Circles), limit)
	s.rank(sc, q.Point)
	return sc.circles(s.cfg.Circles), nil
}

// checkQuery validates q and returns its limit per circle.
func (s *Service) checkQuery(q Query) (int, error) {
	if err := geo.ValidateLatLng("point", q.Point); err != nil {
		return 0, err
	}
	for i, k := range q.Kinds {
		if k <= grid.ResponderKindUnspecified || k > grid.Reinforcement {
			return 0, invalid("kinds["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown responder kind %d", int(k)))
		}
	}
	switch {
	case q.Limit == 0:
		return s.cfg.DefaultLimit, nil
	case q.Limit < 0 || q.Limit > MaxLimit:
		return 0, invalid("limit", fmt.Sprintf("%d is outside [0, %d]", q.Limit, MaxLimit))
	}
	return q.Limit, nil
}

// maxPooledCandidates bounds the candidate buffer kept for reuse.
const maxPooledCandidates = 1 << 16

// putScratch returns sc to the pool unless its buffer grew too large. The
// buffer keeps the ids of its last search until reused.
func (s *Service) putScratch(sc *scratch) {
	if cap(sc.cands) > maxPooledCandidates {
		sc.cands = nil
	}
	s.pool.Put(sc)
}

// rank fills sc's circles from its candidates.
func (s *Service) rank(sc *scratch, p geo.LatLng) {
	circles := s.cfg.Circles
	var qb queryBounds
	useBounds := s.bounds != nil && s.bounds.forQuery(p, &qb)
	if useBounds {
		sc.bracket(s.bounds, &qb, circles)
	}
	target := geo.NewTarget(p)
	for i := range sc.cands {
		c := &sc.cands[i]
		if useBounds && sc.skip(i, circles) {
			continue
		}
		eta, dist, ok := 0.0, 0.0, false
		if s.bounds != nil {
			eta, dist, ok = s.bounds.exact(target, c)
		}
		if !ok {
			eta, dist = s.cfg.Model.ETA(c.Kind, c.Mode, c.Position, p)
		}
		if b := bandOf(circles, eta); b < len(circles) {
			sc.insert(b, rankEntry{eta: eta, dist: dist, i: int32(i)})
		}
	}
}

// bandOf returns the circle eta falls in, or len(circles) beyond the last
// (and for NaN).
func bandOf(circles []float64, eta float64) int {
	for i, c := range circles {
		if eta <= c {
			return i
		}
	}
	return len(circles)
}
