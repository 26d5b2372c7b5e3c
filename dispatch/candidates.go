package dispatch

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

// Limits of Candidates.
const (
	// DefaultCandidates is the responders listed per circle when the
	// caller names no limit.
	DefaultCandidates = 10
	// MaxCandidates is the most responders listed per circle.
	MaxCandidates = presence.MaxLimit
)

// SlotCandidates is what a dispatcher picks from to fill one slot by hand.
type SlotCandidates struct {
	Slot Slot
	// Circles are the response circles around the incident as the Finder
	// returns them for the slot's kinds: available responders only,
	// ranked by ETA.
	Circles []presence.Circle
	// Offered lists the responders of Circles, in circle and rank order,
	// who have had an offer of this incident, in any state.
	Offered []string
	// Cell is the incident's cell (at CellResolution), the centre of
	// Circles: where the audit trail says the positions were read.
	Cell h3.Cell
}

// Candidates ranks, for each slot of an active incident, the available
// responders of the slot's kinds in each response circle, at most limit
// per circle (0 means DefaultCandidates). Slots asking for the same kinds
// share one search. An incident that is not active is ErrNotActive.
func (s *Service) Candidates(ctx context.Context, id string, limit int) ([]SlotCandidates, error) {
	switch {
	case limit == 0:
		limit = DefaultCandidates
	case limit < 0 || limit > MaxCandidates:
		return nil, invalid("limit", fmt.Sprintf("%d is outside [0, %d]", limit, MaxCandidates))
	}
	inc, err := s.st.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	if !inc.State.Active() {
		return nil, fmt.Errorf("candidates of %s, which is %s: %w", id, inc.State, ErrNotActive)
	}
	offered := make(map[string]bool, len(inc.Offers))
	for _, o := range inc.Offers {
		offered[o.ResponderID] = true
	}
	found := map[string][]presence.Circle{} // by kindsKey
	out := make([]SlotCandidates, len(inc.Slots))
	for i, sl := range inc.Slots {
		key := kindsKey(sl.Kinds)
		circles, ok := found[key]
		if !ok {
			q := presence.Query{Point: inc.Position, Kinds: sl.Kinds, Limit: limit}
			if circles, err = s.finder.FindResponders(ctx, q); err != nil {
				return nil, fmt.Errorf("finding the candidates of %s: %w", id, err)
			}
			found[key] = circles
		}
		out[i] = SlotCandidates{Slot: sl, Circles: circles, Offered: offeredIn(circles, offered), Cell: inc.Cell}
	}
	return out, nil
}

// kindsKey returns a key equal for equal sets of kinds, whatever their
// order.
func kindsKey(kinds []grid.ResponderKind) string {
	sorted := slices.Clone(kinds)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	var b strings.Builder
	for _, k := range sorted {
		b.WriteString(strconv.Itoa(int(k)))
		b.WriteByte(',')
	}
	return b.String()
}

// offeredIn returns the responders of circles in offered, in order.
func offeredIn(circles []presence.Circle, offered map[string]bool) []string {
	var ids []string
	for _, c := range circles {
		for _, r := range c.Responders {
			if offered[r.ID] {
				ids = append(ids, r.ID)
			}
		}
	}
	return ids
}
