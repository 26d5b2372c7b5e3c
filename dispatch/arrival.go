package dispatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gridwatch/gridwatch/geo"
)

// ObserveArrival takes a responder's new WGS-84 position (the server calls
// it on every accepted update): a responder holding an assignment whose
// position is within Policy.ArrivalRadiusM of the incident is marked on
// scene, with the time to scene and whether the circle's target was met.
// It reports whether this position marked an arrival; a responder without
// an assignment, or already on scene, is no error.
func (s *Service) ObserveArrival(ctx context.Context, responderID string, pos geo.LatLng) (bool, error) {
	a, err := s.st.AssignmentOf(ctx, responderID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil || !a.ArrivedAt.IsZero() {
		return false, err
	}
	inc, err := s.st.Incident(ctx, a.IncidentID)
	if err != nil {
		return false, err
	}
	if geo.Haversine(pos, inc.Position) > s.policy.ArrivalRadiusM {
		return false, nil
	}
	ch, err := s.arrive(ctx, Arrival{IncidentID: a.IncidentID, ResponderID: responderID,
		At: s.now(), Target: s.target(a.Circle), Actor: ActorSystem})
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		return false, nil // released or moved on meanwhile
	}
	return err == nil && len(ch.Events) > 0, err
}

// MaxArrivalAhead is how far ahead of the server's clock a dispatcher may
// record an arrival (clocks of consoles drift).
const MaxArrivalAhead = time.Minute

// MarkArrived is a dispatcher's override: the responder holding an
// assignment on the incident is recorded on scene at at (now if zero),
// replacing any arrival recorded before. at may not be before the
// incident's creation nor more than MaxArrivalAhead ahead of now
// (ErrInvalid).
func (s *Service) MarkArrived(ctx context.Context, incidentID, responderID, dispatcherID string, at time.Time) (Incident, error) {
	if err := checkIDs(incidentID, responderID); err != nil {
		return Incident{}, err
	}
	now := s.now()
	if at.IsZero() {
		at = now
	}
	if at.After(now.Add(MaxArrivalAhead)) {
		return Incident{}, invalid("arrive_time", "more than "+MaxArrivalAhead.String()+" ahead of the server's clock")
	}
	inc, err := s.st.Incident(ctx, incidentID)
	if err != nil {
		return Incident{}, fmt.Errorf("reading incident %q: %w", incidentID, err)
	}
	if at.Before(inc.CreatedAt) {
		return Incident{}, invalid("arrive_time", "before the incident was created")
	}
	a, err := s.st.AssignmentOf(ctx, responderID)
	if err != nil || a.IncidentID != incidentID {
		return Incident{}, notFound("assignment of responder", responderID)
	}
	ch, err := s.arrive(ctx, Arrival{IncidentID: incidentID, ResponderID: responderID, At: at,
		Target: s.target(a.Circle), Actor: dispatcherID, Override: true})
	return ch.Incident, err
}

// arrive records an arrival and publishes it.
func (s *Service) arrive(ctx context.Context, a Arrival) (Change, error) {
	ch, err := s.st.MarkArrived(ctx, a)
	if err != nil {
		return Change{}, fmt.Errorf("marking %q on scene at %s: %w", a.ResponderID, a.IncidentID, err)
	}
	s.publish(ctx, &ch.Incident, ch.Events)
	if len(ch.Events) > 0 {
		s.log.InfoContext(ctx, "responder on scene", "incident", a.IncidentID,
			"cell", ch.Incident.Cell.String(), "responder", a.ResponderID, "actor", a.Actor)
	}
	return ch, nil
}

// target returns the time-to-scene target of a circle.
func (s *Service) target(circle int) time.Duration {
	if circle < 0 || circle >= len(s.policy.Circles) {
		return s.policy.Circles[len(s.policy.Circles)-1]
	}
	return s.policy.Circles[circle]
}
