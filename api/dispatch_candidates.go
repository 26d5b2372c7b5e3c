package api

import (
	"context"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// ListCandidates ranks, for each slot of an active incident, the available
// responders of the slot's kinds in each response circle. Dispatchers and
// admins only (authz_rules.go). Positions are shown as FindResponders shows them: precise
// to dispatchers only.
func (s *dispatchServer) ListCandidates(ctx context.Context, req *gridwatchv1.ListCandidatesRequest) (*gridwatchv1.ListCandidatesResponse, error) {
	id, limit, err := checkListCandidatesRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	cands, err := s.disp.Candidates(ctx, id, limit)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	if len(cands) > 0 {
		noteAuditCell(ctx, cands[0].Cell)
	}
	return candidatesToProto(cands, RoleFrom(ctx)), nil
}

// checkListCandidatesRequest returns the incident's id and the limit per
// circle, 0 for the default.
func checkListCandidatesRequest(req *gridwatchv1.ListCandidatesRequest) (string, int, error) {
	id, err := parseName("incident", req.GetIncident(), incidents)
	if err != nil {
		return "", 0, err
	}
	if l := req.GetLimitPerCircle(); l < 0 || l > dispatch.MaxCandidates {
		return "", 0, invalidf("limit_per_circle", "%d outside 0..%d (0 for %d)", l,
			dispatch.MaxCandidates, dispatch.DefaultCandidates)
	}
	return id, int(req.GetLimitPerCircle()), nil
}

// candidatesToProto returns the candidates of every slot as role may see
// them (circlesToProto).
func candidatesToProto(cands []dispatch.SlotCandidates, role Role) *gridwatchv1.ListCandidatesResponse {
	resp := &gridwatchv1.ListCandidatesResponse{Slots: make([]*gridwatchv1.SlotCandidates, len(cands))}
	for i, c := range cands {
		sc := &gridwatchv1.SlotCandidates{
			Slot:    slotToProto(c.Slot),
			Circles: circlesToProto(c.Circles, role).GetCircles(),
			Offered: make([]string, len(c.Offered)),
		}
		for j, id := range c.Offered {
			sc.Offered[j] = resourceName(responders, id)
		}
		resp.Slots[i] = sc
	}
	return resp
}
