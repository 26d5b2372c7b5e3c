package api

import (
	"context"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// ListIncidents lists incidents, newest first, a page at a time, as
// GetIncident returns them (every role, for now). The page token wraps
// the domain's cursor, bound to the request's filter.
func (s *dispatchServer) ListIncidents(ctx context.Context, req *gridwatchv1.ListIncidentsRequest) (*gridwatchv1.ListIncidentsResponse, error) {
	q, filter, err := checkListIncidentsRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	incs, next, err := s.disp.ListIncidents(ctx, q)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	resp := &gridwatchv1.ListIncidentsResponse{Incidents: make([]*gridwatchv1.Incident, len(incs))}
	for i := range incs {
		resp.Incidents[i] = incidentToProto(&incs[i])
	}
	if next != nil {
		resp.NextPageToken = encodePageToken(filter, next.String())
	}
	return resp, nil
}
