package dispatch

import (
	"context"
	"errors"
	"fmt"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

// Accept is a responder accepting an offer. Exactly one responder wins a
// slot; the winner turns Busy in presence. An expired offer lapses at once
// and the slot goes to the next candidate (the error matches ErrExpired);
// a responder already holding an assignment declines implicitly (ErrBusy).
func (s *Service) Accept(ctx context.Context, offerID, responderID string) (Incident, error) {
	if err := checkIDs(offerID, responderID); err != nil {
		return Incident{}, err
	}
	now := s.now()
	ch, err := s.st.Accept(ctx, offerID, responderID, now)
	switch {
	case errors.Is(err, ErrExpired):
		if lc, lerr := s.st.Lapse(ctx, offerID, now); lerr == nil {
			s.publish(ctx, &lc.Incident, lc.Events)
			_, _ = s.staff(ctx, lc.Incident.ID)
		}
		return Incident{}, fmt.Errorf("accepting offer %s: %w", offerID, err)
	case errors.Is(err, ErrBusy):
		if dc, derr := s.st.Decline(ctx, offerID, responderID, now); derr == nil {
			s.publish(ctx, &dc.Incident, dc.Events)
			_, _ = s.staff(ctx, dc.Incident.ID)
		}
		return Incident{}, fmt.Errorf("accepting offer %s: %w", offerID, err)
	case err != nil:
		return Incident{}, fmt.Errorf("accepting offer %s: %w", offerID, err)
	}
	s.publish(ctx, &ch.Incident, ch.Events)
	if len(ch.Events) > 0 {
		s.setStatus(ctx, responderID, presence.Busy)
		s.log.InfoContext(ctx, "offer accepted", "incident", ch.Incident.ID,
			"cell", ch.Incident.Cell.String(), "responder", responderID)
	}
	return ch.Incident, nil
}

// Decline is a responder declining an offer; the slot goes to the next
// candidate.
func (s *Service) Decline(ctx context.Context, offerID, responderID string) (Incident, error) {
	if err := checkIDs(offerID, responderID); err != nil {
		return Incident{}, err
	}
	ch, err := s.st.Decline(ctx, offerID, responderID, s.now())
	if err != nil {
		return Incident{}, fmt.Errorf("declining offer %s: %w", offerID, err)
	}
	s.publish(ctx, &ch.Incident, ch.Events)
	return s.staff(ctx, ch.Incident.ID)
}

// Withdraw is a responder giving an accepted slot back (actor is the
// responder or a dispatcher); the responder turns Available and the slot
// is offered again.
func (s *Service) Withdraw(ctx context.Context, incidentID, responderID, actor string) (Incident, error) {
	if err := checkIDs(incidentID, responderID); err != nil {
		return Incident{}, err
	}
	ch, err := s.st.Withdraw(ctx, incidentID, responderID, s.now(), actor)
	if err != nil {
		return Incident{}, fmt.Errorf("withdrawing %q from %s: %w", responderID, incidentID, err)
	}
	s.publish(ctx, &ch.Incident, ch.Events)
	s.freed(ctx, ch.Events)
	return s.staff(ctx, incidentID)
}

// Assign is a dispatcher giving a slot to a responder by hand, overriding
// the offers; the responder turns Busy.
func (s *Service) Assign(ctx context.Context, incidentID string, slot int, responderID, dispatcherID string) (Incident, error) {
	if err := checkIDs(incidentID, responderID); err != nil {
		return Incident{}, err
	}
	ch, err := s.st.Assign(ctx, Assignment{IncidentID: incidentID, SlotIndex: slot,
		ResponderID: responderID, AcceptedAt: s.now()}, dispatcherID)
	if err != nil {
		return Incident{}, fmt.Errorf("assigning %q to %s: %w", responderID, incidentID, err)
	}
	s.publish(ctx, &ch.Incident, ch.Events)
	s.setStatus(ctx, responderID, presence.Busy)
	return ch.Incident, nil
}

// Release ends a responder's assignment early; the slot counts as served.
func (s *Service) Release(ctx context.Context, incidentID, responderID, actor string) (Incident, error) {
	if err := checkIDs(incidentID, responderID); err != nil {
		return Incident{}, err
	}
	ch, err := s.st.Release(ctx, incidentID, responderID, s.now(), actor)
	if err != nil {
		return Incident{}, fmt.Errorf("releasing %q from %s: %w", responderID, incidentID, err)
	}
	s.publish(ctx, &ch.Incident, ch.Events)
	s.freed(ctx, ch.Events)
	return ch.Incident, nil
}

// Transition moves an incident to resolved, closed or cancelled (the
// service makes the other moves itself); leaving the active states
// releases every responder.
func (s *Service) Transition(ctx context.Context, id string, to State, actor, note string) (Incident, error) {
	if err := grid.CheckID("incident_id", id); err != nil {
		return Incident{}, err
	}
	if to != StateResolved && to != StateClosed && to != StateCancelled {
		return Incident{}, invalid("state", fmt.Sprintf("%s is set by the service, not by hand", to))
	}
	for range 3 { // the state may move under us: re-read and retry
		inc, err := s.st.Incident(ctx, id)
		if err != nil {
			return Incident{}, err
		}
		ch, err := s.st.Transition(ctx, id, inc.State, to, Event{At: s.now(), Actor: actor, Note: note})
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return Incident{}, fmt.Errorf("moving %s from %s to %s: %w", id, inc.State, to, err)
		}
		s.publish(ctx, &ch.Incident, ch.Events)
		s.freed(ctx, ch.Events)
		s.log.InfoContext(ctx, "incident moved", "incident", id, "cell", inc.Cell.String(),
			"from", inc.State.String(), "to", to.String())
		return ch.Incident, nil
	}
	return Incident{}, fmt.Errorf("moving %s to %s: %w", id, to, ErrConflict)
}

// freed turns the responders released by events Available, unless they
// took another assignment meanwhile.
func (s *Service) freed(ctx context.Context, events []Event) {
	for _, ev := range events {
		if ev.Type != EventReleased && ev.Type != EventWithdrawn {
			continue
		}
		if _, err := s.st.AssignmentOf(ctx, ev.ResponderID); errors.Is(err, ErrNotFound) {
			s.setStatus(ctx, ev.ResponderID, presence.Available)
		}
	}
}

// setStatus updates presence; a failure is logged, not returned: the
// dispatch store, not presence, decides who is free.
func (s *Service) setStatus(ctx context.Context, id string, st presence.Status) {
	if err := s.statuses.SetStatus(ctx, id, st); err != nil {
		s.log.WarnContext(ctx, "setting presence status", "responder", id,
			"status", st.String(), "err", err)
	}
}

func checkIDs(id, responderID string) error {
	if err := grid.CheckID("id", id); err != nil {
		return err
	}
	return grid.CheckID("responder_id", responderID)
}
