package api

import (
	"context"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
)

// gridServer implements gridwatch.v1.GridService; units.go has its unit
// methods.
type gridServer struct {
	gridwatchv1.UnimplementedGridServiceServer
	base
}

// ImportGrids replaces grids of one kind from GeoJSON.
func (s *gridServer) ImportGrids(ctx context.Context, req *gridwatchv1.ImportGridsRequest) (*gridwatchv1.ImportGridsResponse, error) {
	in, err := checkImportGridsRequest(req, s.cfg.MaxImportBytes)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	rep, err := s.svc.ImportGrids(ctx, in)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return importReportToProto(rep), nil
}

// GetGrid returns one grid.
func (s *gridServer) GetGrid(ctx context.Context, req *gridwatchv1.GetGridRequest) (*gridwatchv1.Grid, error) {
	kind, id, err := checkGetGridRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	g, err := s.svc.Grid(ctx, kind, id)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return gridToProto(g), nil
}

// ListGrids lists the grids of one kind, a page at a time.
func (s *gridServer) ListGrids(ctx context.Context, req *gridwatchv1.ListGridsRequest) (*gridwatchv1.ListGridsResponse, error) {
	kind, p, err := checkListGridsRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	all, err := s.svc.Grids(ctx, kind)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	gs, next := pageOf(p, all, func(g grid.Grid) string { return g.ID })
	return &gridwatchv1.ListGridsResponse{Grids: mapAll(gs, gridToProto), NextPageToken: next}, nil
}

// UpdateGrid updates the fields of a grid its mask names.
func (s *gridServer) UpdateGrid(ctx context.Context, req *gridwatchv1.UpdateGridRequest) (*gridwatchv1.Grid, error) {
	u, err := checkUpdateGridRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	g, err := s.update(ctx, u)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return gridToProto(g), nil
}

// update applies a checked update. A mask naming one subfield of a person
// needs the stored person for the other; that read and the write are not
// atomic, so concurrent updates of the same person's two subfields may lose
// one.
func (s *gridServer) update(ctx context.Context, u gridUpdate) (grid.Grid, error) {
	if u.fields != nil && len(u.fields) == 0 {
		return s.svc.Grid(ctx, u.grid.Kind, u.grid.ID)
	}
	if len(u.partial) > 0 {
		stored, err := s.svc.Grid(ctx, u.grid.Kind, u.grid.ID)
		if err != nil {
			return grid.Grid{}, err
		}
		u.keepStored(stored)
	}
	return s.svc.UpdateGrid(ctx, u.grid, u.fields)
}

// LocatePoint finds the grids covering a point and their chains.
func (s *gridServer) LocatePoint(ctx context.Context, req *gridwatchv1.LocatePointRequest) (*gridwatchv1.LocatePointResponse, error) {
	p, err := checkLocatePointRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	loc, err := s.svc.Locate(ctx, p)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return locationToProto(loc), nil
}
