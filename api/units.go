package api

import (
	"context"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
)

// ImportUnits inserts or replaces units from CSV.
func (s *gridServer) ImportUnits(ctx context.Context, req *gridwatchv1.ImportUnitsRequest) (*gridwatchv1.ImportUnitsResponse, error) {
	up, err := checkImportUnitsRequest(req, s.cfg.MaxImportBytes)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	n, err := s.svc.ImportUnits(ctx, up)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &gridwatchv1.ImportUnitsResponse{UnitCount: int32(n)}, nil
}

// GetUnit returns one unit.
func (s *gridServer) GetUnit(ctx context.Context, req *gridwatchv1.GetUnitRequest) (*gridwatchv1.Unit, error) {
	id, err := checkGetUnitRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	u, err := s.svc.Unit(ctx, id)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return unitToProto(u), nil
}

// ListUnits lists the units, a page at a time.
func (s *gridServer) ListUnits(ctx context.Context, req *gridwatchv1.ListUnitsRequest) (*gridwatchv1.ListUnitsResponse, error) {
	p, err := checkListUnitsRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	all, err := s.svc.Units(ctx)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	us, next := pageOf(p, all, func(u grid.Unit) string { return u.ID })
	return &gridwatchv1.ListUnitsResponse{Units: mapAll(us, unitToProto), NextPageToken: next}, nil
}
