package memory

import (
	"context"
	"fmt"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
)

// The mutations of Dispatch, each one atomic step under m.mu that checks
// everything before changing anything. dispatch_slots.go has the helpers.

// Offer implements dispatch.Store.
func (m *Dispatch) Offer(ctx context.Context, o dispatch.Offer, maxPending int) (dispatch.Change, error) {
	if err := dispatch.CheckOfferArgs(o, maxPending); err != nil {
		return dispatch.Change{}, err
	}
	return m.mutate(ctx, o.IncidentID, func(inc *dispatch.Incident) error {
		if _, dup := m.offers[o.ID]; dup {
			return fmt.Errorf("offer %q exists: %w", o.ID, dispatch.ErrConflict)
		}
		if err := m.checkOffer(inc, o, maxPending); err != nil {
			return err
		}
		o.State, o.ClosedAt, o.Circle = dispatch.OfferPending, time.Time{}, inc.Slots[o.SlotIndex].Circle
		inc.Offers = append(inc.Offers, o)
		inc.Slots[o.SlotIndex].State = dispatch.SlotOffered
		m.offers[o.ID] = inc.ID
		addEvent(inc, dispatch.Event{At: o.OfferedAt, Type: dispatch.EventOffered, Actor: dispatch.ActorSystem,
			ResponderID: o.ResponderID, Slot: o.SlotIndex, OfferID: o.ID})
		return nil
	})
}

// checkOffer checks Offer's preconditions.
func (m *Dispatch) checkOffer(inc *dispatch.Incident, o dispatch.Offer, maxPending int) error {
	if err := checkActiveSlot(inc, o.SlotIndex); err != nil {
		return err
	}
	if st := inc.Slots[o.SlotIndex].State; st != dispatch.SlotOpen && st != dispatch.SlotOffered {
		return fmt.Errorf("slot %d is %s: %w", o.SlotIndex, st, dispatch.ErrConflict)
	}
	if n := pendingOn(inc, o.SlotIndex); n >= maxPending {
		return fmt.Errorf("slot %d has %d offers pending: %w", o.SlotIndex, n, dispatch.ErrConflict)
	}
	if _, busy := m.held[o.ResponderID]; busy {
		return fmt.Errorf("responder %q: %w", o.ResponderID, dispatch.ErrBusy)
	}
	for _, prev := range inc.Offers {
		if prev.ResponderID == o.ResponderID {
			return fmt.Errorf("responder %q was offered this incident before: %w", o.ResponderID, dispatch.ErrConflict)
		}
	}
	return nil
}

// Accept implements dispatch.Store.
func (m *Dispatch) Accept(ctx context.Context, offerID, responderID string, now time.Time) (dispatch.Change, error) {
	return m.mutateOffer(ctx, offerID, func(inc *dispatch.Incident, oi int) error {
		o := &inc.Offers[oi]
		if o.ResponderID != responderID {
			return fmt.Errorf("offer %q of responder %q: %w", offerID, responderID, dispatch.ErrNotFound)
		}
		if ai := currentAssignment(inc, responderID); o.State == dispatch.OfferAccepted && ai >= 0 &&
			inc.Assignments[ai].OfferID == offerID {
			return nil // a retry
		}
		if err := m.checkAccept(inc, o, now); err != nil {
			return err
		}
		o.State, o.ClosedAt = dispatch.OfferAccepted, now
		addEvent(inc, dispatch.Event{At: now, Type: dispatch.EventAccepted, Actor: responderID,
			ResponderID: responderID, Slot: o.SlotIndex, OfferID: offerID})
		m.fill(inc, dispatch.Assignment{ResponderID: responderID, SlotIndex: o.SlotIndex,
			OfferID: offerID, AcceptedAt: now}, now)
		return nil
	})
}

// checkAccept checks Accept's preconditions.
func (m *Dispatch) checkAccept(inc *dispatch.Incident, o *dispatch.Offer, now time.Time) error {
	switch {
	case o.State != dispatch.OfferPending:
		return fmt.Errorf("offer %q is %s: %w", o.ID, o.State, dispatch.ErrConflict)
	case !now.Before(o.ExpiresAt):
		return fmt.Errorf("offer %q: %w", o.ID, dispatch.ErrExpired)
	case !inc.State.Active() || inc.Slots[o.SlotIndex].State == dispatch.SlotFilled:
		return fmt.Errorf("slot %d of %q is taken: %w", o.SlotIndex, inc.ID, dispatch.ErrConflict)
	}
	if _, busy := m.held[o.ResponderID]; busy {
		return fmt.Errorf("responder %q: %w", o.ResponderID, dispatch.ErrBusy)
	}
	return nil
}

// Decline implements dispatch.Store.
func (m *Dispatch) Decline(ctx context.Context, offerID, responderID string, now time.Time) (dispatch.Change, error) {
	return m.mutateOffer(ctx, offerID, func(inc *dispatch.Incident, oi int) error {
		o := &inc.Offers[oi]
		if o.ResponderID != responderID {
			return fmt.Errorf("offer %q of responder %q: %w", offerID, responderID, dispatch.ErrNotFound)
		}
		if o.State != dispatch.OfferPending {
			return fmt.Errorf("offer %q is %s: %w", offerID, o.State, dispatch.ErrConflict)
		}
		closeOffer(inc, oi, dispatch.OfferDeclined, dispatch.EventDeclined, responderID, now)
		return nil
	})
}

// Lapse implements dispatch.Store.
func (m *Dispatch) Lapse(ctx context.Context, offerID string, now time.Time) (dispatch.Change, error) {
	return m.mutateOffer(ctx, offerID, func(inc *dispatch.Incident, oi int) error {
		o := &inc.Offers[oi]
		switch {
		case o.State != dispatch.OfferPending:
			return fmt.Errorf("offer %q is %s: %w", offerID, o.State, dispatch.ErrConflict)
		case now.Before(o.ExpiresAt):
			return fmt.Errorf("offer %q has not expired: %w", offerID, dispatch.ErrConflict)
		}
		closeOffer(inc, oi, dispatch.OfferLapsed, dispatch.EventLapsed, dispatch.ActorSystem, now)
		return nil
	})
}

// Assign implements dispatch.Store.
func (m *Dispatch) Assign(ctx context.Context, a dispatch.Assignment, actor string) (dispatch.Change, error) {
	if a.ResponderID == "" {
		return dispatch.Change{}, fmt.Errorf("responder id: required: %w", dispatch.ErrInvalid)
	}
	return m.mutate(ctx, a.IncidentID, func(inc *dispatch.Incident) error {
		if err := checkActiveSlot(inc, a.SlotIndex); err != nil {
			return err
		}
		if inc.Slots[a.SlotIndex].State == dispatch.SlotFilled {
			return fmt.Errorf("slot %d of %q is filled: %w", a.SlotIndex, inc.ID, dispatch.ErrConflict)
		}
		if _, busy := m.held[a.ResponderID]; busy {
			return fmt.Errorf("responder %q: %w", a.ResponderID, dispatch.ErrBusy)
		}
		for i, o := range inc.Offers { // the slot's offers and the responder's end
			if o.State == dispatch.OfferPending && (o.SlotIndex == a.SlotIndex || o.ResponderID == a.ResponderID) {
				closeOffer(inc, i, dispatch.OfferRevoked, dispatch.EventRevoked, actor, a.AcceptedAt)
			}
		}
		addEvent(inc, dispatch.Event{At: a.AcceptedAt, Type: dispatch.EventAssigned, Actor: actor,
			ResponderID: a.ResponderID, Slot: a.SlotIndex})
		m.fill(inc, dispatch.Assignment{ResponderID: a.ResponderID, SlotIndex: a.SlotIndex,
			Manual: true, AcceptedAt: a.AcceptedAt}, a.AcceptedAt)
		return nil
	})
}

// Withdraw implements dispatch.Store.
func (m *Dispatch) Withdraw(ctx context.Context, incidentID, responderID string, now time.Time, actor string) (dispatch.Change, error) {
	return m.mutate(ctx, incidentID, func(inc *dispatch.Incident) error {
		ai := currentAssignment(inc, responderID)
		if ai < 0 {
			return fmt.Errorf("assignment of %q on %q: %w", responderID, incidentID, dispatch.ErrNotFound)
		}
		a := &inc.Assignments[ai]
		a.ReleasedAt, a.Withdrawn = now, true
		if oi := findOffer(inc, a.OfferID); oi >= 0 {
			inc.Offers[oi].State = dispatch.OfferWithdrawn
		}
		delete(m.held, responderID)
		inc.Slots[a.SlotIndex].State, inc.Slots[a.SlotIndex].Assignee = dispatch.SlotOpen, ""
		addEvent(inc, dispatch.Event{At: now, Type: dispatch.EventWithdrawn, Actor: actor,
			ResponderID: responderID, Slot: a.SlotIndex, OfferID: a.OfferID})
		if inc.State == dispatch.StateAssigned && !anyFilled(inc) {
			setState(inc, dispatch.StateDispatching, dispatch.Event{At: now, Actor: dispatch.ActorSystem})
		}
		return nil
	})
}

// Release implements dispatch.Store.
func (m *Dispatch) Release(ctx context.Context, incidentID, responderID string, now time.Time, actor string) (dispatch.Change, error) {
	return m.mutate(ctx, incidentID, func(inc *dispatch.Incident) error {
		ai := currentAssignment(inc, responderID)
		if ai < 0 {
			return fmt.Errorf("assignment of %q on %q: %w", responderID, incidentID, dispatch.ErrNotFound)
		}
		m.release(inc, ai, now, actor)
		return nil
	})
}
