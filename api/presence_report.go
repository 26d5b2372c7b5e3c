package api

import (
	"context"
	"log/slog"

	"google.golang.org/grpc/codes"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/presence"
)

// locationReport is a responder's update as both ReportLocations and
// BatchReportLocations carry it.
type locationReport interface {
	GetResponder() string
	GetUpdate() *gridwatchv1.LocationUpdate
}

// outcome is what became of one update.
type outcome struct {
	result gridwatchv1.LocationResult
	// rejected says why the update was rejected, nil unless it was.
	rejected error
}

// message returns why the update was rejected, or "".
func (o outcome) message() string {
	if o.rejected == nil {
		return ""
	}
	return o.rejected.Error()
}

// reporter checks and applies batches of updates, reusing its buffers
// from one batch to the next.
type reporter struct {
	pres     Presence
	arrivals ArrivalObserver // nil: no dispatch
	log      *slog.Logger
	updates  []presence.Update
	at       []int // the index in the batch of each of updates
	outcomes []outcome
}

// applyReports checks every report of a batch and applies the good ones
// with one domain call. An update the client got wrong (bad input, a
// responder unknown or not on shift) is REJECTED with the reason; err is a
// problem of the server's (store down, deadline) that ends the call. The
// outcomes are valid until the reporter's next batch.
func applyReports[R locationReport](ctx context.Context, r *reporter, reps []R) ([]outcome, error) {
	r.updates, r.at = r.updates[:0], r.at[:0]
	r.outcomes = append(r.outcomes[:0], make([]outcome, len(reps))...)
	for i, rep := range reps {
		u, err := checkReport(rep.GetResponder(), rep.GetUpdate())
		if err != nil {
			r.outcomes[i] = outcome{result: gridwatchv1.LocationResult_LOCATION_RESULT_REJECTED, rejected: err}
			continue
		}
		r.updates = append(r.updates, u)
		r.at = append(r.at, i)
	}
	if len(r.updates) == 0 {
		return r.outcomes, nil
	}
	applied, busy, errs := r.pres.ReportBatchApplied(ctx, r.updates)
	for j, i := range r.at {
		switch err := errs[j]; {
		case err == nil && applied[j]:
			r.outcomes[i].result = gridwatchv1.LocationResult_LOCATION_RESULT_APPLIED
		case err == nil:
			r.outcomes[i].result = gridwatchv1.LocationResult_LOCATION_RESULT_IGNORED_OLDER
		case isRejection(err):
			r.outcomes[i] = outcome{result: gridwatchv1.LocationResult_LOCATION_RESULT_REJECTED, rejected: err}
		default:
			return nil, err
		}
	}
	r.observeArrivals(ctx, busy, errs)
	clear(r.updates) // drop the ids until the next batch overwrites them
	return r.outcomes, nil
}

// isRejection reports whether err is about one update rather than the
// server: bad input, an unknown responder or one not on shift.
func isRejection(err error) bool {
	switch ruleFor(err).code {
	case codes.InvalidArgument, codes.NotFound, codes.FailedPrecondition:
		return true
	}
	return false
}

// ArrivalObserver sees each applied position update of a responder holding
// an assignment (Busy in presence): dispatch's on-scene
// check (*dispatch.Service satisfies it), kept an interface so that
// presence handling needs nothing of dispatch.
type ArrivalObserver interface {
	ObserveArrival(ctx context.Context, responderID string, pos geo.LatLng) (bool, error)
}

// newReporter returns a reporter for one call or stream.
func (s *presenceServer) newReporter() *reporter {
	return &reporter{pres: s.pres, arrivals: s.cfg.Arrivals, log: s.cfg.Logger}
}

// observeArrivals hands the applied updates of busy responders to the
// arrival check; idle responders cannot arrive anywhere, so ingest pays
// nothing for them. Its failures are logged, never the report's: the
// position is stored, and the next update checks again.
func (r *reporter) observeArrivals(ctx context.Context, busy []bool, errs []error) {
	if r.arrivals == nil {
		return
	}
	for j, u := range r.updates {
		if errs[j] != nil || !busy[j] {
			continue
		}
		if _, err := r.arrivals.ObserveArrival(ctx, u.ResponderID, u.Position); err != nil {
			r.log.WarnContext(ctx, "api: arrival check failed", "responder", u.ResponderID, "err", err)
		}
	}
}
