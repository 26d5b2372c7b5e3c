package api

import (
	"context"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/presence"
)

// Presence is the presence domain as PresenceService uses it;
// *presence.Service implements it.
type Presence interface {
	StartShift(ctx context.Context, id string) (presence.Record, error)
	EndShift(ctx context.Context, id string) (presence.Record, error)
	SetStatus(ctx context.Context, id string, st presence.Status) error
	Get(ctx context.Context, id string) (presence.Record, error)
	// ReportBatchApplied applies updates in order; errs[i] is nil for an
	// update applied or ignored as older, which applied[i] tells apart;
	// busy[i] tells that the responder held an assignment.
	ReportBatchApplied(ctx context.Context, us []presence.Update) (applied, busy []bool, errs []error)
	FindResponders(ctx context.Context, q presence.Query) ([]presence.Circle, error)
	OwnGridDay(ctx context.Context, id, day string) (presence.OwnGridDay, error)
}

// presenceServer implements gridwatch.v1.PresenceService.
type presenceServer struct {
	gridwatchv1.UnimplementedPresenceServiceServer
	base
	pres Presence
}

// StartShift opens a responder's shift.
func (s *presenceServer) StartShift(ctx context.Context, req *gridwatchv1.StartShiftRequest) (*gridwatchv1.Shift, error) {
	id, err := checkStartShiftRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	r, err := s.pres.StartShift(ctx, id)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return shiftToProto(r), nil
}

// EndShift ends a responder's shift.
func (s *presenceServer) EndShift(ctx context.Context, req *gridwatchv1.EndShiftRequest) (*gridwatchv1.Shift, error) {
	id, err := checkEndShiftRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	r, err := s.pres.EndShift(ctx, id)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return endedShiftToProto(r), nil
}

// SetResponderStatus sets an on-shift responder available or busy.
func (s *presenceServer) SetResponderStatus(ctx context.Context, req *gridwatchv1.SetResponderStatusRequest) (*gridwatchv1.Shift, error) {
	id, st, err := checkSetResponderStatusRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	if err := s.pres.SetStatus(ctx, id, st); err != nil {
		return nil, s.fail(ctx, err)
	}
	r, err := s.pres.Get(ctx, id)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return shiftToProto(r), nil
}

// BatchReportLocations applies many updates; a bad one rejects only itself.
func (s *presenceServer) BatchReportLocations(ctx context.Context, req *gridwatchv1.BatchReportLocationsRequest) (*gridwatchv1.BatchReportLocationsResponse, error) {
	if err := checkBatchReportLocationsRequest(req); err != nil {
		return nil, s.fail(ctx, err)
	}
	outs, err := applyReports(ctx, s.newReporter(), req.GetReports())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	resp := &gridwatchv1.BatchReportLocationsResponse{
		Results: make([]gridwatchv1.LocationResult, len(outs)),
		Errors:  make([]string, len(outs)),
	}
	for i, o := range outs {
		resp.Results[i], resp.Errors[i] = o.result, o.message()
	}
	return resp, nil
}

// FindResponders searches the response circles around a point.
func (s *presenceServer) FindResponders(ctx context.Context, req *gridwatchv1.FindRespondersRequest) (*gridwatchv1.FindRespondersResponse, error) {
	q, err := checkFindRespondersRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	cs, err := s.pres.FindResponders(ctx, q)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	noteAuditPoint(ctx, q.Point)
	return circlesToProto(cs, RoleFrom(ctx)), nil
}

// GetOwnGridTime returns a responder's time in own grid on a day.
func (s *presenceServer) GetOwnGridTime(ctx context.Context, req *gridwatchv1.GetOwnGridTimeRequest) (*gridwatchv1.OwnGridTime, error) {
	id, day, err := checkGetOwnGridTimeRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	d, err := s.pres.OwnGridDay(ctx, id, day)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return ownGridToProto(d), nil
}
