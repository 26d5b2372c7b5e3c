package dispatch

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

// Tick enforces the offers' deadlines and staffs open slots: every pending
// offer expired by now lapses, and every open slot of an active incident
// (lapsed, declined, withdrawn, or left open by an earlier failure) is
// offered to its next candidate. The server calls it every second or so;
// after a restart the first Tick resumes where the last process stopped.
func (s *Service) Tick(ctx context.Context) error {
	now := s.now()
	offers, err := s.st.PendingOffers(ctx, now)
	if err != nil {
		return fmt.Errorf("listing expired offers: %w", err)
	}
	var errs []error
	for _, o := range offers {
		ch, err := s.st.Lapse(ctx, o.ID, now)
		switch {
		case errors.Is(err, ErrConflict): // answered meanwhile
		case err != nil:
			errs = append(errs, fmt.Errorf("lapsing offer %s: %w", o.ID, err))
		default:
			s.publish(ctx, &ch.Incident, ch.Events)
			s.log.InfoContext(ctx, "offer lapsed", "incident", o.IncidentID,
				"cell", ch.Incident.Cell.String(), "responder", o.ResponderID, "slot", o.SlotIndex)
		}
	}
	ids, err := s.st.Unstaffed(ctx)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("listing unstaffed incidents: %w", err))...)
	}
	for _, id := range ids {
		if _, err := s.staff(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// staff offers every open slot of the incident and returns it as it then is.
func (s *Service) staff(ctx context.Context, id string) (Incident, error) {
	inc, err := s.st.Incident(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	return s.staffIncident(ctx, inc)
}

// staffIncident is staff on the incident as just read or changed.
func (s *Service) staffIncident(ctx context.Context, inc Incident) (Incident, error) {
	var errs []error
	var found searches
	for i := range inc.Slots {
		if err := s.staffSlot(ctx, &inc, i, &found); err != nil {
			errs = append(errs, fmt.Errorf("staffing slot %d of %s: %w", i, inc.ID, err))
		}
	}
	return inc, errors.Join(errs...)
}

// staffSlot offers an open slot to its circle's best untried candidates,
// widening to the next circle when one runs out and exhausting the slot
// after the last. inc is kept up to date.
func (s *Service) staffSlot(ctx context.Context, inc *Incident, slot int, found *searches) error {
	for range len(s.policy.Circles) + 1 {
		sl := inc.Slots[slot]
		if sl.State != SlotOpen || !inc.State.Active() {
			return nil
		}
		circles, err := found.circles(ctx, s.finder, inc.Position, sl.Kinds)
		if err != nil {
			return err
		}
		placed, err := s.offerTo(ctx, inc, slot, candidates(inc, sl, circles))
		if placed > 0 || err != nil {
			return err
		}
		if err := s.widen(ctx, inc, slot, sl.Circle); err != nil {
			return err
		}
	}
	return nil
}

// searches remembers the responders found around one incident during one
// staffing, by kinds: a slot widening to the next circle, and the next
// slot of the same kinds, use the same search (every circle comes from
// one) rather than asking presence again.
type searches []search

type search struct {
	kinds   []grid.ResponderKind
	circles []presence.Circle
}

// circles returns the circles of responders of kinds around p, searching
// only if no search of the same kinds was made.
func (ss *searches) circles(ctx context.Context, f Finder, p geo.LatLng, kinds []grid.ResponderKind) ([]presence.Circle, error) {
	for _, x := range *ss {
		if slices.Equal(x.kinds, kinds) {
			return x.circles, nil
		}
	}
	circles, err := f.FindResponders(ctx, presence.Query{Point: p, Kinds: kinds, Limit: presence.MaxLimit})
	if err != nil {
		return nil, fmt.Errorf("finding responders: %w", err)
	}
	*ss = append(*ss, search{kinds: kinds, circles: circles})
	return circles, nil
}

// offerTo offers the slot to cands in order until Policy.Fanout offers are
// pending; it returns how many it made.
func (s *Service) offerTo(ctx context.Context, inc *Incident, slot int, cands []string) (int, error) {
	placed := 0
	for _, r := range cands {
		now := s.now()
		o := Offer{ID: newID(), IncidentID: inc.ID, SlotIndex: slot, ResponderID: r,
			Circle: inc.Slots[slot].Circle, OfferedAt: now, ExpiresAt: now.Add(s.policy.OfferTimeout)}
		ch, err := s.st.Offer(ctx, o, s.policy.Fanout)
		if errors.Is(err, ErrConflict) {
			if *inc, err = s.st.Incident(ctx, inc.ID); err != nil {
				return placed, err
			}
			if st := inc.Slots[slot].State; st != SlotOpen && st != SlotOffered || pending(inc, slot) >= s.policy.Fanout {
				return placed + 1, nil // someone else staffs it
			}
			continue // this responder is busy or was offered meanwhile
		}
		if err != nil {
			return placed, err
		}
		*inc = ch.Incident
		s.publish(ctx, inc, ch.Events)
		s.log.InfoContext(ctx, "offer sent", "incident", inc.ID, "cell", inc.Cell.String(),
			"responder", r, "slot", slot, "circle", o.Circle)
		if placed++; placed >= s.policy.Fanout {
			break
		}
	}
	return placed, nil
}

// pending counts the slot's pending offers.
func pending(inc *Incident, slot int) int {
	n := 0
	for _, o := range inc.Offers {
		if o.SlotIndex == slot && o.State == OfferPending {
			n++
		}
	}
	return n
}

// candidates returns the responders of the slot's circle in circles, best
// first, without anyone offered or assigned on the incident before.
func candidates(inc *Incident, sl Slot, circles []presence.Circle) []string {
	if sl.Circle >= len(circles) {
		return nil
	}
	tried := make(map[string]bool, len(inc.Offers)+len(inc.Assignments))
	for _, o := range inc.Offers {
		tried[o.ResponderID] = true
	}
	for _, a := range inc.Assignments {
		tried[a.ResponderID] = true
	}
	var ids []string
	for _, r := range circles[sl.Circle].Responders {
		if !tried[r.ID] {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// widen moves an open slot to the next circle, or exhausts it after the
// last; both alert the console. Losing the race to another caller is fine.
func (s *Service) widen(ctx context.Context, inc *Incident, slot, from int) error {
	now := s.now()
	var ch Change
	var err error
	if from+1 < len(s.policy.Circles) {
		ch, err = s.st.WidenSlot(ctx, inc.ID, slot, from, from+1, now)
	} else {
		ch, err = s.st.ExhaustSlot(ctx, inc.ID, slot, from, now)
	}
	if errors.Is(err, ErrConflict) {
		*inc, err = s.st.Incident(ctx, inc.ID)
		return err
	}
	if err != nil {
		return err
	}
	*inc = ch.Incident
	s.publish(ctx, inc, ch.Events)
	s.log.WarnContext(ctx, "slot widened", "incident", inc.ID, "cell", inc.Cell.String(),
		"slot", slot, "from_circle", from, "state", inc.Slots[slot].State.String())
	return nil
}
