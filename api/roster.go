package api

import (
	"context"
	"slices"
	"strings"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
)

// rosterServer implements gridwatch.v1.RosterService.
type rosterServer struct {
	gridwatchv1.UnimplementedRosterServiceServer
	base
}

// ImportWatchPosts inserts or replaces watch posts.
func (s *rosterServer) ImportWatchPosts(ctx context.Context, req *gridwatchv1.ImportWatchPostsRequest) (*gridwatchv1.ImportWatchPostsResponse, error) {
	up, err := checkImportWatchPostsRequest(req, s.cfg.MaxImportBytes)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	n, err := s.svc.ImportPosts(ctx, up)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &gridwatchv1.ImportWatchPostsResponse{WatchPostCount: int32(n)}, nil
}

// ListWatchPosts lists the watch posts, a page at a time.
func (s *rosterServer) ListWatchPosts(ctx context.Context, req *gridwatchv1.ListWatchPostsRequest) (*gridwatchv1.ListWatchPostsResponse, error) {
	p, err := checkListWatchPostsRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	all, err := s.svc.Posts(ctx)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	ps, next := pageOf(p, all, func(p grid.WatchPost) string { return p.ID })
	return &gridwatchv1.ListWatchPostsResponse{WatchPosts: mapAll(ps, postToProto), NextPageToken: next}, nil
}

// ImportCompounds inserts or replaces residential compounds.
func (s *rosterServer) ImportCompounds(ctx context.Context, req *gridwatchv1.ImportCompoundsRequest) (*gridwatchv1.ImportCompoundsResponse, error) {
	up, err := checkImportCompoundsRequest(req, s.cfg.MaxImportBytes)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	n, err := s.svc.ImportCompounds(ctx, up)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &gridwatchv1.ImportCompoundsResponse{CompoundCount: int32(n)}, nil
}

// ListCompounds lists the compounds, a page at a time.
func (s *rosterServer) ListCompounds(ctx context.Context, req *gridwatchv1.ListCompoundsRequest) (*gridwatchv1.ListCompoundsResponse, error) {
	p, err := checkListCompoundsRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	all, err := s.svc.Compounds(ctx)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	cs, next := pageOf(p, all, func(c grid.Compound) string { return c.ID })
	return &gridwatchv1.ListCompoundsResponse{Compounds: mapAll(cs, compoundToProto), NextPageToken: next}, nil
}

// ImportResponders inserts or replaces responders from CSV.
func (s *rosterServer) ImportResponders(ctx context.Context, req *gridwatchv1.ImportRespondersRequest) (*gridwatchv1.ImportRespondersResponse, error) {
	up, err := checkImportRespondersRequest(req, s.cfg.MaxImportBytes)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	n, err := s.svc.ImportResponders(ctx, up)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &gridwatchv1.ImportRespondersResponse{ResponderCount: int32(n)}, nil
}

// GetResponder returns one responder.
func (s *rosterServer) GetResponder(ctx context.Context, req *gridwatchv1.GetResponderRequest) (*gridwatchv1.Responder, error) {
	id, err := checkGetResponderRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	r, err := s.svc.Responder(ctx, id)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return responderToProto(r), nil
}

// ListResponders lists the responders of the caller's scope (whose home
// grid it holds; all for admins), a page at a time.
func (s *rosterServer) ListResponders(ctx context.Context, req *gridwatchv1.ListRespondersRequest) (*gridwatchv1.ListRespondersResponse, error) {
	p, err := checkListRespondersRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	all, err := s.svc.Responders(ctx)
	if err == nil {
		all, err = keep(ctx, scopeFrom(ctx), all, (*scope).responder)
	}
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	rs, next := pageOf(p, all, func(r grid.Responder) string { return r.ID })
	return &gridwatchv1.ListRespondersResponse{Responders: mapAll(rs, responderToProto), NextPageToken: next}, nil
}

// ListUnderstaffedCompounds lists the compounds short of watch volunteers
// in the caller's scope (all for admins), a page at a time.
func (s *rosterServer) ListUnderstaffedCompounds(ctx context.Context, req *gridwatchv1.ListUnderstaffedCompoundsRequest) (*gridwatchv1.ListUnderstaffedCompoundsResponse, error) {
	p, err := checkListUnderstaffedCompoundsRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	all, err := s.svc.UnderstaffedCompounds(ctx)
	if err == nil {
		all, err = keep(ctx, scopeFrom(ctx), all, func(sc *scope, ctx context.Context, q grid.CompoundQuota) (bool, error) {
			return sc.compound(ctx, q.Compound)
		})
	}
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	all = sortedQuotas(all)
	qs, next := pageOf(p, all, func(q grid.CompoundQuota) string { return q.Compound.ID })
	return &gridwatchv1.ListUnderstaffedCompoundsResponse{Compounds: mapAll(qs, quotaToProto), NextPageToken: next}, nil
}

// sortedQuotas returns qs ordered by compound id, as paging needs, sorting
// a copy if the domain did not.
func sortedQuotas(qs []grid.CompoundQuota) []grid.CompoundQuota {
	byID := func(a, b grid.CompoundQuota) int { return strings.Compare(a.Compound.ID, b.Compound.ID) }
	if slices.IsSortedFunc(qs, byID) {
		return qs
	}
	qs = slices.Clone(qs)
	slices.SortFunc(qs, byID)
	return qs
}
