package api

import (
	"context"

	"github.com/uber/h3-go/v4"

	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// dispatchServer implements gridwatchv1.DispatchServiceServer over the
// dispatch domain. The authorizer has decided who may call what before a
// handler runs (authz_rules.go); the timeline records the caller's
// subject (actor).
type dispatchServer struct {
	gridwatchv1.UnimplementedDispatchServiceServer
	base
	disp   *dispatch.Service
	events *Broadcaster
}

// actor returns who the timeline records for the caller: the principal's
// subject, or its role's name when it has none.
func actor(ctx context.Context) string {
	p, _ := auth.FromContext(ctx)
	if p.Subject != "" {
		return p.Subject
	}
	return p.Role.String()
}

func (s *dispatchServer) CreateIncident(ctx context.Context, req *gridwatchv1.CreateIncidentRequest) (*gridwatchv1.Incident, error) {
	ni, err := checkCreateIncidentRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	inc, err := s.disp.CreateIncident(ctx, ni)
	if err == nil {
		err = mayReturnCreated(ctx, ni, &inc)
	}
	return s.reply(ctx, inc, err)
}

// mayReturnCreated allows the caller the incident CreateIncident returned:
// one it may read, or the one its request describes. A request_id that
// names another caller's incident is denied rather than handing that
// incident over (AIP-155 retries are per caller).
func mayReturnCreated(ctx context.Context, ni dispatch.NewIncident, inc *dispatch.Incident) error {
	if ni.RequestID == "" || describes(ni, inc) {
		return nil
	}
	ok, err := scopeFrom(ctx).mayRead(ctx, inc)
	if err != nil {
		return err
	}
	if !ok {
		return denied("request_id names an incident outside the caller's scope")
	}
	return nil
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
	inc, err := s.disp.Transition(ctx, id, dispatch.StateCancelled, actor(ctx), req.GetReason())
	return s.reply(ctx, inc, err)
}

func (s *dispatchServer) TransitionIncident(ctx context.Context, req *gridwatchv1.TransitionIncidentRequest) (*gridwatchv1.Incident, error) {
	id, to, err := checkTransitionIncidentRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	inc, err := s.disp.Transition(ctx, id, to, actor(ctx), req.GetNote())
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
	inc, err := s.disp.MarkArrived(ctx, id, responder, actor(ctx), at)
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
	inc, err := s.disp.Assign(ctx, id, int(req.GetSlot()), responder, actor(ctx))
	return s.reply(ctx, inc, err)
}

// describes reports whether inc is what ni asks for (its position to the
// cell: stored coordinates may be rounded).
func describes(ni dispatch.NewIncident, inc *dispatch.Incident) bool {
	c, err := h3.LatLngToCell(h3.LatLng{Lat: ni.Position.Lat, Lng: ni.Position.Lng}, dispatch.CellResolution)
	return err == nil && c == inc.Cell && inc.Category == ni.Category && inc.Severity == ni.Severity &&
		inc.Source == ni.Source && inc.Address == ni.Address && inc.Description == ni.Description
}

// reply converts the outcome of a call returning an incident.
func (s *dispatchServer) reply(ctx context.Context, inc dispatch.Incident, err error) (*gridwatchv1.Incident, error) {
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return forCaller(ctx, incidentToProto(&inc)), nil
}
