package dispatch

import (
	"context"
	"time"
)

// Store keeps incidents, their offers and assignments, and which responder
// holds which assignment. Every method is one atomic step (one lock in
// memory, one Lua script in Redis): concurrent calls behave as if run one
// after another. Mutating methods return the Change they made; every
// change appends its events to the incident's timeline, numbered on.
//
// Invariants every engine keeps, whatever the interleaving:
//
//   - a responder holds at most one current assignment, across incidents;
//   - a slot is filled by at most one responder at a time, and only a
//     filled slot has a current assignment;
//   - an offer leaves OfferPending exactly once;
//   - only an active incident (dispatching, assigned, on scene) has
//     pending offers or current assignments;
//   - a slot is SlotOffered exactly when it has a pending offer.
//
// Calls on a missing incident, offer or assignment return errors matching
// ErrNotFound; lost races ErrConflict (or ErrExpired, ErrBusy, which
// match it); bad arguments ErrInvalid. A failed call changes nothing.
type Store interface {
	// CreateIncident stores inc (State new, one EventCreated, which the
	// engine appends) and returns it with created true. If an incident
	// with inc.RequestID (when not "") exists, it returns that one
	// unchanged with created false. An existing inc.ID is ErrConflict.
	CreateIncident(ctx context.Context, inc Incident) (got Incident, created bool, err error)
	// Incident returns the incident with id.
	Incident(ctx context.Context, id string) (Incident, error)
	// ListIncidents returns up to q.PageSize incidents that pass q's
	// filters (Filter.Matches: in one of q.States, inside one of q.Cells),
	// in the listing order: newest first by CreatedAt (to the nanosecond),
	// ties by ID ascending (Cursor.Compare). The page starts after q.After
	// (nil: at the newest incident), so that paging from nil to the end
	// returns each incident stored before the first call exactly once,
	// whatever is created meanwhile; incidents created between calls
	// appear only if they sort after the cursor. next is the cursor of
	// the page's last incident, or of the last index entry looked at, and
	// nil when nothing follows (the engine may return one that leads to an
	// empty page). A page is short only at the end, or when the engine
	// stopped at its bound on the work of one call (store/redis reads at
	// most a fixed number of index entries; memory has none): a short or
	// empty page with a next cursor is no end (AIP-158). The state is read
	// at the call; an incident's state may change between pages. A query
	// CheckIncidentQuery refuses is ErrInvalid.
	ListIncidents(ctx context.Context, q IncidentQuery) (page []Incident, next *Cursor, err error)

	// Offer records o as pending (o.State is ignored). The incident must
	// be active, the slot open or offered with fewer than maxPending
	// pending offers, the responder free (else ErrBusy) and never offered
	// a slot of this incident before (else ErrConflict); o.ID unique.
	// The slot becomes offered.
	Offer(ctx context.Context, o Offer, maxPending int) (Change, error)
	// Accept is the one way to win a slot. The offer must be the
	// responder's (else ErrNotFound), pending (else ErrConflict), now
	// before its ExpiresAt (else ErrExpired), its slot unfilled (else
	// ErrConflict) and the responder free (else ErrBusy). Then the offer
	// is accepted, the slot filled, the responder's assignment recorded,
	// the slot's other pending offers revoked, and a dispatching incident
	// becomes assigned. Accepting an offer one already holds the
	// assignment of returns the incident with no events (retries).
	Accept(ctx context.Context, offerID, responderID string, now time.Time) (Change, error)
	// Decline closes the responder's pending offer as declined, at any
	// time before it lapses; the slot reopens if nothing else is pending.
	Decline(ctx context.Context, offerID, responderID string, now time.Time) (Change, error)
	// Lapse closes a pending offer whose ExpiresAt is at or before now;
	// an offer not pending or not yet expired is ErrConflict.
	Lapse(ctx context.Context, offerID string, now time.Time) (Change, error)
	// Assign gives a slot to a responder by hand: a.IncidentID, SlotIndex,
	// ResponderID and AcceptedAt are used; the slot must not be filled and
	// the responder must be free (ErrBusy). The slot's pending offers are
	// revoked; a dispatching incident becomes assigned.
	Assign(ctx context.Context, a Assignment, actor string) (Change, error)
	// Withdraw gives a held slot back: the assignment is released and
	// marked Withdrawn, its offer withdrawn, the slot reopened, and an
	// assigned incident with no slot filled returns to dispatching.
	Withdraw(ctx context.Context, incidentID, responderID string, now time.Time, actor string) (Change, error)
	// Release ends the responder's current assignment on the incident;
	// the slot stays filled (it was served).
	Release(ctx context.Context, incidentID, responderID string, now time.Time, actor string) (Change, error)
	// MarkArrived records the arrival of a current assignee: ArrivedAt,
	// TimeToScene from the incident's CreatedAt, TargetMet against
	// a.Target. An assigned incident becomes on scene. A second arrival
	// changes nothing unless a.Override.
	MarkArrived(ctx context.Context, a Arrival) (Change, error)
	// WidenSlot moves an open slot from circle from to circle to (> from);
	// a slot not open or not at from is ErrConflict.
	WidenSlot(ctx context.Context, incidentID string, slot, from, to int, now time.Time) (Change, error)
	// ExhaustSlot marks an open slot at circle from exhausted.
	ExhaustSlot(ctx context.Context, incidentID string, slot, from int, now time.Time) (Change, error)
	// Transition moves the incident from from to to, appending ev (its
	// type, from and to are set by the engine). The state must be from
	// (else ErrConflict) and the move allowed (else ErrInvalidTransition).
	// Moving to resolved, closed or cancelled releases every current
	// assignment and revokes every pending offer.
	Transition(ctx context.Context, id string, from, to State, ev Event) (Change, error)

	// PendingOffers returns the pending offers with ExpiresAt at or before
	// before, earliest first: the deadlines to enforce, also after a
	// restart.
	PendingOffers(ctx context.Context, before time.Time) ([]Offer, error)
	// Unstaffed returns the ids of active incidents with an open slot,
	// oldest first.
	Unstaffed(ctx context.Context) ([]string, error)
	// AssignmentOf returns the responder's current assignment, or
	// ErrNotFound.
	AssignmentOf(ctx context.Context, responderID string) (Assignment, error)
}
