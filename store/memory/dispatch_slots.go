package memory

import (
	"context"
	"fmt"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
)

// MarkArrived implements dispatch.Store.
func (m *Dispatch) MarkArrived(ctx context.Context, a dispatch.Arrival) (dispatch.Change, error) {
	if a.At.IsZero() {
		return dispatch.Change{}, fmt.Errorf("arrival time: required: %w", dispatch.ErrInvalid)
	}
	return m.mutate(ctx, a.IncidentID, func(inc *dispatch.Incident) error {
		ai := currentAssignment(inc, a.ResponderID)
		if ai < 0 {
			return fmt.Errorf("assignment of %q on %q: %w", a.ResponderID, inc.ID, dispatch.ErrNotFound)
		}
		as := &inc.Assignments[ai]
		if !as.ArrivedAt.IsZero() && !a.Override {
			return nil
		}
		as.ArrivedAt = a.At
		as.TimeToScene = max(0, a.At.Sub(inc.CreatedAt))
		as.TargetMet = as.TimeToScene <= a.Target
		note := ""
		if a.Override {
			note = "override"
		}
		addEvent(inc, dispatch.Event{At: a.At, Type: dispatch.EventArrived, Actor: a.Actor,
			ResponderID: a.ResponderID, Slot: as.SlotIndex, Note: note})
		if inc.State == dispatch.StateAssigned {
			setState(inc, dispatch.StateOnScene, dispatch.Event{At: a.At, Actor: a.Actor})
		}
		return nil
	})
}

// WidenSlot implements dispatch.Store.
func (m *Dispatch) WidenSlot(ctx context.Context, incidentID string, slot, from, to int, now time.Time) (dispatch.Change, error) {
	if to <= from {
		return dispatch.Change{}, fmt.Errorf("circle %d: not beyond %d: %w", to, from, dispatch.ErrInvalid)
	}
	return m.mutate(ctx, incidentID, func(inc *dispatch.Incident) error {
		if err := checkOpenAt(inc, slot, from); err != nil {
			return err
		}
		inc.Slots[slot].Circle = to
		addEvent(inc, dispatch.Event{At: now, Type: dispatch.EventWidened, Actor: dispatch.ActorSystem,
			Slot: slot, Note: fmt.Sprintf("circle %d to %d", from+1, to+1)})
		return nil
	})
}

// ExhaustSlot implements dispatch.Store.
func (m *Dispatch) ExhaustSlot(ctx context.Context, incidentID string, slot, from int, now time.Time) (dispatch.Change, error) {
	return m.mutate(ctx, incidentID, func(inc *dispatch.Incident) error {
		if err := checkOpenAt(inc, slot, from); err != nil {
			return err
		}
		inc.Slots[slot].State = dispatch.SlotExhausted
		addEvent(inc, dispatch.Event{At: now, Type: dispatch.EventExhausted, Actor: dispatch.ActorSystem, Slot: slot})
		return nil
	})
}

// Transition implements dispatch.Store.
func (m *Dispatch) Transition(ctx context.Context, id string, from, to dispatch.State, ev dispatch.Event) (dispatch.Change, error) {
	return m.mutate(ctx, id, func(inc *dispatch.Incident) error {
		if inc.State != from {
			return fmt.Errorf("incident %q is %s, not %s: %w", id, inc.State, from, dispatch.ErrConflict)
		}
		if !dispatch.CanTransition(from, to) {
			return fmt.Errorf("%s to %s: %w", from, to, dispatch.ErrInvalidTransition)
		}
		setState(inc, to, ev)
		if to.Active() {
			return nil
		}
		for i, o := range inc.Offers {
			if o.State == dispatch.OfferPending {
				closeOffer(inc, i, dispatch.OfferRevoked, dispatch.EventRevoked, ev.Actor, ev.At)
			}
		}
		for i, a := range inc.Assignments {
			if a.Current() {
				m.release(inc, i, ev.At, ev.Actor)
			}
		}
		return nil
	})
}

// fill gives the slot to a.ResponderID: the slot's pending offers are
// revoked, the assignment recorded and a dispatching incident assigned.
func (m *Dispatch) fill(inc *dispatch.Incident, a dispatch.Assignment, now time.Time) {
	for i, o := range inc.Offers {
		if o.State == dispatch.OfferPending && o.SlotIndex == a.SlotIndex {
			closeOffer(inc, i, dispatch.OfferRevoked, dispatch.EventRevoked, dispatch.ActorSystem, now)
		}
	}
	a.IncidentID, a.Circle = inc.ID, inc.Slots[a.SlotIndex].Circle
	inc.Assignments = append(inc.Assignments, a)
	inc.Slots[a.SlotIndex].State, inc.Slots[a.SlotIndex].Assignee = dispatch.SlotFilled, a.ResponderID
	m.held[a.ResponderID] = inc.ID
	if inc.State == dispatch.StateDispatching {
		setState(inc, dispatch.StateAssigned, dispatch.Event{At: now, Actor: dispatch.ActorSystem})
	}
}

// release ends assignment ai.
func (m *Dispatch) release(inc *dispatch.Incident, ai int, now time.Time, actor string) {
	a := &inc.Assignments[ai]
	a.ReleasedAt = now
	delete(m.held, a.ResponderID)
	addEvent(inc, dispatch.Event{At: now, Type: dispatch.EventReleased, Actor: actor,
		ResponderID: a.ResponderID, Slot: a.SlotIndex})
}

// closeOffer moves pending offer oi to st and reopens its slot if nothing
// else is pending on it.
func closeOffer(inc *dispatch.Incident, oi int, st dispatch.OfferState, et dispatch.EventType, actor string, now time.Time) {
	o := &inc.Offers[oi]
	o.State, o.ClosedAt = st, now
	addEvent(inc, dispatch.Event{At: now, Type: et, Actor: actor, ResponderID: o.ResponderID,
		Slot: o.SlotIndex, OfferID: o.ID})
	if sl := &inc.Slots[o.SlotIndex]; sl.State == dispatch.SlotOffered && pendingOn(inc, o.SlotIndex) == 0 {
		sl.State = dispatch.SlotOpen
	}
}

// setState moves the incident to, appending ev as its transition event.
func setState(inc *dispatch.Incident, to dispatch.State, ev dispatch.Event) {
	ev.Type, ev.From, ev.To, ev.Slot = dispatch.EventTransition, inc.State, to, -1
	if ev.Actor == "" {
		ev.Actor = dispatch.ActorSystem
	}
	inc.State = to
	addEvent(inc, ev)
}

// checkActiveSlot checks that the incident is active and slot exists.
func checkActiveSlot(inc *dispatch.Incident, slot int) error {
	if slot < 0 || slot >= len(inc.Slots) {
		return fmt.Errorf("slot %d: outside [0, %d): %w", slot, len(inc.Slots), dispatch.ErrInvalid)
	}
	if !inc.State.Active() {
		return fmt.Errorf("incident %q is %s: %w", inc.ID, inc.State, dispatch.ErrConflict)
	}
	return nil
}

// checkOpenAt checks that slot is open at circle from on an active incident.
func checkOpenAt(inc *dispatch.Incident, slot, from int) error {
	if err := checkActiveSlot(inc, slot); err != nil {
		return err
	}
	if sl := inc.Slots[slot]; sl.State != dispatch.SlotOpen || sl.Circle != from {
		return fmt.Errorf("slot %d is %s at circle %d: %w", slot, sl.State, sl.Circle, dispatch.ErrConflict)
	}
	return nil
}

// pendingOn counts the pending offers of a slot.
func pendingOn(inc *dispatch.Incident, slot int) int {
	n := 0
	for _, o := range inc.Offers {
		if o.SlotIndex == slot && o.State == dispatch.OfferPending {
			n++
		}
	}
	return n
}

// anyFilled reports whether some slot is filled.
func anyFilled(inc *dispatch.Incident) bool {
	for _, s := range inc.Slots {
		if s.State == dispatch.SlotFilled {
			return true
		}
	}
	return false
}
