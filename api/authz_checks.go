package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
)

// The object checks of the rules. Each loads what it decides on; an
// object that does not exist is denied like one out of scope, so that a
// denial says nothing of existence (AIP-211). Admins reach every object
// but a responder's own offers and reports.

// onlySelf allows responder id only.
func (s *scope) onlySelf(_ context.Context, id string) error {
	if s.self(id) {
		return nil
	}
	return denied("only responders/%s may act on their own behalf", id)
}

// manageResponder allows the responder, admins, and station chiefs and
// dispatchers whose units hold the responder's home grid.
func (s *scope) manageResponder(ctx context.Context, id string) error {
	if s.admin() || s.self(id) {
		return nil
	}
	if !s.manages() {
		return denied("role %s may act for itself only", s.p.Role)
	}
	return s.reachResponder(ctx, id)
}

// reachResponder allows responder id if the caller's scope holds their
// home grid.
func (s *scope) reachResponder(ctx context.Context, id string) error {
	if s.admin() {
		return nil
	}
	out := denied("responders/%s is outside the caller's scope", id)
	if !s.hasGrids() {
		return out
	}
	if s.look == nil {
		return errNoLookups
	}
	r, err := s.look.grids.Responder(ctx, id)
	if errors.Is(err, grid.ErrNotFound) {
		return out
	}
	if err != nil {
		return fmt.Errorf("authorising: %w", err)
	}
	in, err := s.responder(ctx, r)
	if err != nil {
		return err
	}
	if !in {
		return out
	}
	return nil
}

// authzGetResponder allows the responder themselves, admins, and the grid
// roles whose scope holds the responder's home grid.
func authzGetResponder(ctx context.Context, s *scope, req *gridwatchv1.GetResponderRequest) error {
	id, err := checkGetResponderRequest(req)
	if err != nil {
		return err
	}
	if s.self(id) {
		return nil
	}
	return s.reachResponder(ctx, id)
}

// authzReport allows a streamed position report of the caller's own
// responder, and admins reports of anyone (bulk loading, load tests: as
// BatchReportLocations). A report naming no valid responder goes on to
// the handler, which rejects it without applying anything.
func authzReport(_ context.Context, s *scope, req *gridwatchv1.ReportLocationsRequest) error {
	if s.admin() {
		return nil
	}
	id, err := checkResponder("responder", req.GetResponder())
	if err != nil || s.self(id) {
		return nil
	}
	return denied("a phone reports its own responder's position only, not responders/%s", id)
}

// authzBatchReport allows admins a batch of any responders (bulk
// loading); anyone else only reports of their own responder. Reports
// naming no valid responder are left to the handler to reject.
func authzBatchReport(_ context.Context, s *scope, req *gridwatchv1.BatchReportLocationsRequest) error {
	if s.admin() {
		return nil
	}
	for i, r := range req.GetReports() {
		id, err := checkResponder("responder", r.GetResponder())
		if err == nil && !s.self(id) {
			return denied("reports[%d]: a phone reports its own responder's position only", i)
		}
	}
	return nil
}

// authzFindResponders allows a search around a point inside the caller's
// scope (anywhere for admins).
func authzFindResponders(ctx context.Context, s *scope, req *gridwatchv1.FindRespondersRequest) error {
	q, err := checkFindRespondersRequest(req)
	if err != nil {
		return err
	}
	in, err := s.point(ctx, q.Point)
	if err != nil {
		return err
	}
	if !in {
		return denied("point is outside the caller's scope")
	}
	return nil
}

// authzCreateIncident allows volunteers to report with source VOLUNTEER,
// officers with PATROL or VOLUNTEER (anywhere: they report what they
// see), station chiefs and dispatchers any source inside their scope, and
// admins anything.
func authzCreateIncident(ctx context.Context, s *scope, req *gridwatchv1.CreateIncidentRequest) error {
	ni, err := checkCreateIncidentRequest(req)
	if err != nil {
		return err
	}
	switch s.p.Role {
	case RoleAdmin:
		return nil
	case RoleVolunteer:
		if ni.Source != dispatch.SourceVolunteer {
			return denied("volunteers report with source INCIDENT_SOURCE_VOLUNTEER only")
		}
		return nil
	case RoleOfficer:
		if ni.Source != dispatch.SourcePatrol && ni.Source != dispatch.SourceVolunteer {
			return denied("officers report with source INCIDENT_SOURCE_PATROL or INCIDENT_SOURCE_VOLUNTEER only")
		}
		return nil
	}
	in, err := s.point(ctx, ni.Position)
	if err != nil {
		return err
	}
	if !in {
		return denied("incident.position is outside the caller's scope")
	}
	return nil
}

// loadIncident returns incident id, or a denial out if it does not exist.
func (s *scope) loadIncident(ctx context.Context, id string, out error) (dispatch.Incident, error) {
	if s.disp == nil {
		return dispatch.Incident{}, out
	}
	inc, err := s.disp.Incident(ctx, id)
	if errors.Is(err, dispatch.ErrNotFound) {
		return dispatch.Incident{}, out
	}
	if err != nil {
		return dispatch.Incident{}, fmt.Errorf("authorising: %w", err)
	}
	return inc, nil
}

// reachIncident allows incident id to admins and to the grid roles whose
// scope holds it.
func (s *scope) reachIncident(ctx context.Context, id string) error {
	if s.admin() {
		return nil
	}
	out := denied("incidents/%s is outside the caller's scope", id)
	if !s.hasGrids() {
		return out
	}
	inc, err := s.loadIncident(ctx, id, out)
	if err != nil {
		return err
	}
	if in, err := s.incident(ctx, &inc); err != nil || !in {
		return cmpErr(err, out)
	}
	return nil
}

// readIncident allows incident id to whoever may see it (mayRead).
func (s *scope) readIncident(ctx context.Context, id string) error {
	if s.admin() {
		return nil
	}
	out := denied("incidents/%s is outside the caller's scope", id)
	inc, err := s.loadIncident(ctx, id, out)
	if err != nil {
		return err
	}
	if ok, err := s.mayRead(ctx, &inc); err != nil || !ok {
		return cmpErr(err, out)
	}
	return nil
}

// mayRead reports whether the caller may see inc: admins; the grid roles
// whose scope holds it; a responder who holds or held an offer or an
// assignment of it.
func (s *scope) mayRead(ctx context.Context, inc *dispatch.Incident) (bool, error) {
	if s.admin() {
		return true, nil
	}
	if s.involved(inc) {
		return true, nil
	}
	if !s.hasGrids() {
		return false, nil
	}
	return s.incident(ctx, inc)
}

// involved reports whether the caller is a responder who holds or held an
// offer or an assignment of inc.
func (s *scope) involved(inc *dispatch.Incident) bool {
	if s.p.Role != RoleVolunteer && s.p.Role != RoleOfficer || s.p.Subject == "" {
		return false
	}
	for _, o := range inc.Offers {
		if o.ResponderID == s.p.Subject {
			return true
		}
	}
	for _, a := range inc.Assignments {
		if a.ResponderID == s.p.Subject {
			return true
		}
	}
	return false
}

// cmpErr returns err if it is set, else out.
func cmpErr(err, out error) error {
	if err != nil {
		return err
	}
	return out
}
