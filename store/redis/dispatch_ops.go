package redis

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
)

// The mutations of Dispatch, each one script (lua/dispatch_<op>.lua) that
// checks everything before it changes anything.

// Offer implements dispatch.Store.
func (d *Dispatch) Offer(ctx context.Context, o dispatch.Offer, maxPending int) (dispatch.Change, error) {
	if err := dispatch.CheckOfferArgs(o, maxPending); err != nil {
		return dispatch.Change{}, err
	}
	return d.mutate(ctx, dispOffer, o.IncidentID, "offer "+o.ID, o.ID, o.SlotIndex, o.ResponderID,
		nsOf(o.OfferedAt), nsOf(o.ExpiresAt), maxPending, o.ExpiresAt.UnixMilli())
}

// Accept implements dispatch.Store.
func (d *Dispatch) Accept(ctx context.Context, offerID, responderID string, now time.Time) (dispatch.Change, error) {
	id, err := d.offerIncident(ctx, offerID)
	if err != nil {
		return dispatch.Change{}, err
	}
	return d.mutate(ctx, dispAccept, id, "accept "+offerID, offerID, responderID, nsOf(now))
}

// Decline implements dispatch.Store.
func (d *Dispatch) Decline(ctx context.Context, offerID, responderID string, now time.Time) (dispatch.Change, error) {
	id, err := d.offerIncident(ctx, offerID)
	if err != nil {
		return dispatch.Change{}, err
	}
	return d.mutate(ctx, dispDecline, id, "decline "+offerID, offerID, responderID, nsOf(now))
}

// Lapse implements dispatch.Store.
func (d *Dispatch) Lapse(ctx context.Context, offerID string, now time.Time) (dispatch.Change, error) {
	id, err := d.offerIncident(ctx, offerID)
	if err != nil {
		return dispatch.Change{}, err
	}
	return d.mutate(ctx, dispLapse, id, "lapse "+offerID, offerID, nsOf(now))
}

// Assign implements dispatch.Store.
func (d *Dispatch) Assign(ctx context.Context, a dispatch.Assignment, actor string) (dispatch.Change, error) {
	if a.ResponderID == "" {
		return dispatch.Change{}, fmt.Errorf("responder id: required: %w", dispatch.ErrInvalid)
	}
	return d.mutate(ctx, dispAssign, a.IncidentID, "assign", a.SlotIndex, a.ResponderID, nsOf(a.AcceptedAt), actor)
}

// Withdraw implements dispatch.Store.
func (d *Dispatch) Withdraw(ctx context.Context, incidentID, responderID string, now time.Time, actor string) (dispatch.Change, error) {
	return d.mutate(ctx, dispWithdraw, incidentID, "withdraw", responderID, nsOf(now), actor)
}

// Release implements dispatch.Store.
func (d *Dispatch) Release(ctx context.Context, incidentID, responderID string, now time.Time, actor string) (dispatch.Change, error) {
	return d.mutate(ctx, dispRelease, incidentID, "release", responderID, nsOf(now), actor)
}

// MarkArrived implements dispatch.Store.
func (d *Dispatch) MarkArrived(ctx context.Context, a dispatch.Arrival) (dispatch.Change, error) {
	if a.At.IsZero() {
		return dispatch.Change{}, fmt.Errorf("arrival time: required: %w", dispatch.ErrInvalid)
	}
	override := "0"
	if a.Override {
		override = "1"
	}
	return d.mutate(ctx, dispArrive, a.IncidentID, "mark arrived", a.ResponderID, nsOf(a.At),
		strconv.FormatInt(int64(a.Target), 10), a.Actor, override)
}

// WidenSlot implements dispatch.Store.
func (d *Dispatch) WidenSlot(ctx context.Context, incidentID string, slot, from, to int, now time.Time) (dispatch.Change, error) {
	if to <= from {
		return dispatch.Change{}, fmt.Errorf("circle %d: not beyond %d: %w", to, from, dispatch.ErrInvalid)
	}
	return d.mutate(ctx, dispWiden, incidentID, "widen slot", slot, from, to, nsOf(now))
}

// ExhaustSlot implements dispatch.Store.
func (d *Dispatch) ExhaustSlot(ctx context.Context, incidentID string, slot, from int, now time.Time) (dispatch.Change, error) {
	return d.mutate(ctx, dispExhaust, incidentID, "exhaust slot", slot, from, nsOf(now))
}

// Transition implements dispatch.Store. Whether the move is allowed is
// decided here (dispatch.CanTransition) and checked by the script after
// the state, so that a stale from is ErrConflict first, as in memory.
func (d *Dispatch) Transition(ctx context.Context, id string, from, to dispatch.State, ev dispatch.Event) (dispatch.Change, error) {
	allowed := "0"
	if dispatch.CanTransition(from, to) {
		allowed = "1"
	}
	fc, tc := incidentStateCodes[from], incidentStateCodes[to]
	return d.mutate(ctx, dispTransition, id, fmt.Sprintf("transition %s to %s", from, to), fc, tc, allowed,
		nsOf(ev.At), ev.Actor, ev.ResponderID, ev.OfferID, ev.Note)
}
