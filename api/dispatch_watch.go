package api

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// WatchOffers streams the events naming the responder: offers made,
// accepted, declined, lapsed or revoked, assignments and releases.
func (s *dispatchServer) WatchOffers(req *gridwatchv1.WatchOffersRequest, stream gridwatchv1.DispatchService_WatchOffersServer) error {
	id, err := parseName("responder", req.GetResponder(), responders)
	if err != nil {
		return s.fail(stream.Context(), err)
	}
	w := s.events.subscribeResponder(id)
	return s.pump(stream, w, func(it watchItem) error {
		return stream.Send(&gridwatchv1.WatchOffersResponse{Event: it.event, Incident: forCaller(stream.Context(), it.incident)})
	})
}

// WatchIncidents streams the events of the incidents in the caller's
// scope (every incident for admins) and in the request's area, the union
// of its cells and grids (everywhere if it names neither).
func (s *dispatchServer) WatchIncidents(req *gridwatchv1.WatchIncidentsRequest, stream gridwatchv1.DispatchService_WatchIncidentsServer) error {
	ctx := stream.Context()
	area, err := checkWatchIncidentsRequest(req)
	if err != nil {
		return s.fail(ctx, err)
	}
	w := s.events.subscribe(func(inc *dispatch.Incident, _ dispatch.Event) bool {
		return area.inCells(inc.Cell)
	})
	in, filter := newWatchScope(scopeFrom(ctx)), &areaFilter{area: area, grids: s.svc}
	return s.pump(stream, w, func(it watchItem) error {
		ok, err := filter.holds(ctx, it.incident)
		if err == nil && ok {
			ok, err = in.holds(ctx, it.incident)
		}
		if err != nil {
			return s.fail(ctx, err)
		}
		if !ok {
			return nil
		}
		return stream.Send(&gridwatchv1.WatchIncidentsResponse{Event: it.event, Incident: it.incident})
	})
}

// maxWatchScopeCache bounds the incidents a watchScope remembers.
const maxWatchScopeCache = 4096

// watchScope filters a WatchIncidents stream to the caller's scope,
// remembering each incident's answer (an incident does not move) for
// scopeCacheTTL, as the scope does its grids.
type watchScope struct {
	s    *scope
	seen map[string]bool
	read time.Time
}

func newWatchScope(s *scope) *watchScope { return &watchScope{s: s} }

// holds reports whether the caller's scope holds inc, by its position.
func (w *watchScope) holds(ctx context.Context, inc *gridwatchv1.Incident) (bool, error) {
	if w.s.admin() {
		return true, nil
	}
	if w.seen == nil || len(w.seen) >= maxWatchScopeCache || time.Since(w.read) >= scopeCacheTTL {
		w.seen, w.read = map[string]bool{}, time.Now()
	}
	if ok, found := w.seen[inc.GetName()]; found {
		return ok, nil
	}
	ok, err := w.s.point(ctx, latLngFromProto(inc.GetPosition()))
	if err != nil {
		return false, err
	}
	w.seen[inc.GetName()] = ok
	return ok, nil
}

// pump sends w's events until the client goes away or the broadcaster
// drops w for falling behind. The header goes out at once so that HTTP
// clients see the stream open before the first event.
func (s *dispatchServer) pump(stream grpc.ServerStream, w *watcher, send func(watchItem) error) error {
	defer s.events.unsubscribe(w)
	ctx := stream.Context()
	if err := stream.SendHeader(nil); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return s.fail(ctx, ctx.Err())
		case it, ok := <-w.ch:
			if !ok {
				return status.Error(codes.ResourceExhausted, "watcher fell too far behind; reconnect")
			}
			if err := send(it); err != nil {
				return err
			}
		}
	}
}
