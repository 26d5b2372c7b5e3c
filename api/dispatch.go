package api

import (
	"context"
	"fmt"
	"slices"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// dispatchServer implements gridwatchv1.DispatchServiceServer over the
// dispatch domain. Dispatchers act under their role's name in the
// timeline (the API has no user identities yet); responders under their
// id.
type dispatchServer struct {
	gridwatchv1.UnimplementedDispatchServiceServer
	base
	disp   *dispatch.Service
	events *Broadcaster
}

// requireRole fails unless the caller's role is one of roles.
func requireRole(ctx context.Context, roles ...Role) (Role, error) {
	r := RoleFrom(ctx)
	if !slices.Contains(roles, r) {
		return r, fmt.Errorf("role %s may not make this call: %w", r, errPermissionDenied)
	}
	return r, nil
}

func (s *dispatchServer) CreateIncident(ctx context.Context, req *gridwatchv1.CreateIncidentRequest) (*gridwatchv1.Incident, error) {
	ni, err := checkCreateIncidentRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	inc, err := s.disp.CreateIncident(ctx, ni)
	return s.reply(ctx, inc, err)
}

func (s *dispatchServer) GetIncident(ctx context.Context, req *gridwatchv1.GetIncidentRequest) (*gridwatchv1.Incident, error) {
	id, err := checkGetIncidentRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	inc, err := s.disp.Incident(ctx, id)
	return s.reply(ctx, inc, err)
}

func (s *dispatchServer) CancelIncident(ctx context.Context, req *gridwatchv1.CancelIncidentRequest) (*gridwatchv1.Incident, error) {
	id, err := parseName("name", req.GetName(), incidents)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	r, err := requireRole(ctx, RoleDispatcher, RoleAdmin)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	inc, err := s.disp.Transition(ctx, id, dispatch.StateCancelled, r.String(), req.GetReason())
	return s.reply(ctx, inc, err)
}

func (s *dispatchServer) TransitionIncident(ctx context.Context, req *gridwatchv1.TransitionIncidentRequest) (*gridwatchv1.Incident, error) {
	id, to, err := checkTransitionIncidentRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	r, err := requireRole(ctx, RoleDispatcher, RoleAdmin, RoleOfficer)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	inc, err := s.disp.Transition(ctx, id, to, r.String(), req.GetNote())
	return s.reply(ctx, inc, err)
}

func (s *dispatchServer) AcceptOffer(ctx context.Context, req *gridwatchv1.AcceptOfferRequest) (*gridwatchv1.Incident, error) {
	offer, responder, err := checkOfferRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	inc, err := s.disp.Accept(ctx, offer, responder)
	return s.reply(ctx, inc, err)
}

func (s *dispatchServer) DeclineOffer(ctx context.Context, req *gridwatchv1.DeclineOfferRequest) (*gridwatchv1.Incident, error) {
	offer, responder, err := checkOfferRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	inc, err := s.disp.Decline(ctx, offer, responder)
	return s.reply(ctx, inc, err)
}

func (s *dispatchServer) WithdrawAssignment(ctx context.Context, req *gridwatchv1.WithdrawAssignmentRequest) (*gridwatchv1.Incident, error) {
	id, responder, err := checkIncidentResponder(req.GetIncident(), req.GetResponder())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	inc, err := s.disp.Withdraw(ctx, id, responder, responder)
	return s.reply(ctx, inc, err)
}

// RecordArrival records a responder on scene by a dispatcher's hand.
func (s *dispatchServer) RecordArrival(ctx context.Context, req *gridwatchv1.RecordArrivalRequest) (*gridwatchv1.Incident, error) {
	id, responder, at, err := checkRecordArrivalRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	r, err := requireRole(ctx, RoleDispatcher, RoleAdmin)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	inc, err := s.disp.MarkArrived(ctx, id, responder, r.String(), at)
	return s.reply(ctx, inc, err)
}

func (s *dispatchServer) AssignResponder(ctx context.Context, req *gridwatchv1.AssignResponderRequest) (*gridwatchv1.Incident, error) {
	id, responder, err := checkIncidentResponder(req.GetIncident(), req.GetResponder())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	if req.GetSlot() < 0 {
		return nil, s.fail(ctx, invalid("slot", "negative"))
	}
	r, err := requireRole(ctx, RoleDispatcher, RoleAdmin)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	inc, err := s.disp.Assign(ctx, id, int(req.GetSlot()), responder, r.String())
	return s.reply(ctx, inc, err)
}

// reply converts the outcome of a call returning an incident.
func (s *dispatchServer) reply(ctx context.Context, inc dispatch.Incident, err error) (*gridwatchv1.Incident, error) {
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return incidentToProto(&inc), nil
}
