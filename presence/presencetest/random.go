package presencetest

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

// state is the suite's own copy of an on-shift responder, as it told the
// engine: the brute forces rank from it.
type state struct {
	id     string
	kind   grid.ResponderKind
	mode   grid.TravelMode
	status presence.Status
	hasFix bool
	pos    geo.LatLng
	cell   h3.Cell
	fix    time.Time
	seen   time.Time
}

// candidate returns what an engine's Nearby should return for s.
func (s *state) candidate() presence.Candidate {
	return presence.Candidate{ID: s.id, Kind: s.kind, Mode: s.mode, Position: s.pos, Cell: s.cell}
}

// offered reports whether s passes Nearby's filters other than distance.
func (s *state) offered(kinds []grid.ResponderKind, fresh time.Time) bool {
	return s.status == presence.Available && s.hasFix && !s.seen.Before(fresh) &&
		(len(kinds) == 0 || slices.Contains(kinds, s.kind))
}

// randomPoint returns a point up to span metres north or south and east or
// west of Shenyang.
func randomPoint(rng *rand.Rand, span float64) geo.LatLng {
	return offset(Shenyang, (rng.Float64()*2-1)*span, (rng.Float64()*2-1)*span)
}

// randomKind draws a kind with roughly the city's mix.
func randomKind(rng *rand.Rand) grid.ResponderKind {
	switch x := rng.IntN(100); {
	case x < 40:
		return grid.WatchVolunteer
	case x < 65:
		return grid.SafetyVolunteer
	case x < 75:
		return grid.WatchPostStaff
	case x < 85:
		return grid.SecurityGuard
	case x < 90:
		return grid.CommunityOfficer
	case x < 98:
		return grid.PatrolOfficer
	}
	return grid.Reinforcement
}

// randomMode draws any travel mode.
func randomMode(rng *rand.Rand) grid.TravelMode {
	return grid.TravelMode(1 + rng.IntN(3))
}

// randomKinds returns no kinds (every kind) half the time, else one to
// three of them.
func randomKinds(rng *rand.Rand) []grid.ResponderKind {
	if rng.IntN(2) == 0 {
		return nil
	}
	ks := make([]grid.ResponderKind, 1+rng.IntN(3))
	for i := range ks {
		ks[i] = grid.ResponderKind(1 + rng.IntN(int(grid.Reinforcement)))
	}
	return ks
}

// between returns a random duration in [lo, hi).
func between(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int64N(int64(hi-lo)))
}
