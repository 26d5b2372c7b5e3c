package api

import (
	"slices"

	"github.com/uber/h3-go/v4"

	"github.com/gridwatch/gridwatch/audit"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
)

// auditKind is how the audit trail treats a method.
type auditKind int

const (
	// auditMutation changes state: an attempt record is written before
	// the handler runs (if it cannot be, the call fails UNAVAILABLE and
	// the handler never runs), an outcome record after it. A method of
	// the API (gridwatch.v1) missing from auditRules is treated as one.
	auditMutation auditKind = iota
	// auditRead discloses no precise position: not recorded.
	auditRead
	// auditPositions may disclose responders' precise positions: when the
	// caller's role sees them, a record naming the responders disclosed
	// is written after the answer is computed and before it is sent (if
	// it cannot be, the call fails UNAVAILABLE and nothing is sent).
	auditPositions
	// auditExempt changes state but is deliberately not recorded: the
	// position reports, whose records would rebuild the movement history
	// the privacy rules forbid keeping (docs/PRIVACY.md).
	auditExempt
)

// auditRule is how one method is audited.
type auditRule struct {
	kind auditKind
	// target names what a request concerns; nil names nothing.
	target func(req any) auditTarget
}

// auditTarget is what a call concerns: resource names, and the cell of
// the position concerned (coarsened to audit.CellResolution when
// recorded).
type auditTarget struct {
	objects []string
	cell    h3.Cell
}

// add returns t with o's objects appended, each name once, and o's cell
// if t has none.
func (t auditTarget) add(o auditTarget) auditTarget {
	out := auditTarget{cell: t.cell}
	if n := len(t.objects) + len(o.objects); n > 0 {
		out.objects = dedupe(append(append(make([]string, 0, n), t.objects...), o.objects...))
	}
	if out.cell == 0 {
		out.cell = o.cell
	}
	return out
}

// nameScanMax is the longest list dedupe searches by a scan, not a set.
const nameScanMax = 32

// dedupe drops the repeats of names in place, keeping first ones in order.
func dedupe(names []string) []string {
	out := names[:0] // written behind the reading
	if len(names) <= nameScanMax {
		for _, n := range names {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		return out
	}
	seen := make(map[string]struct{}, len(names))
	for _, n := range names {
		if _, ok := seen[n]; !ok {
			seen[n] = struct{}{}
			out = append(out, n)
		}
	}
	return out
}

// names is a target of the non-empty names ns.
func names(ns ...string) auditTarget {
	var t auditTarget
	for _, n := range ns {
		if n != "" {
			t.objects = append(t.objects, n)
		}
	}
	return t
}

// on adapts a target of requests of type R.
func on[R any](f func(R) auditTarget) func(any) auditTarget {
	return func(req any) auditTarget {
		r, ok := req.(R)
		if !ok {
			return auditTarget{}
		}
		return f(r)
	}
}

// mutation is the rule of a state change whose request names target.
func mutation(target func(any) auditTarget) auditRule {
	return auditRule{kind: auditMutation, target: target}
}

// importOf is the target of an import into collection c.
func importOf(c string) func(any) auditTarget {
	return func(any) auditTarget { return names(c) }
}

// The rules of reads and of exempt state changes.
var (
	readRule   = auditRule{kind: auditRead}
	exemptRule = auditRule{kind: auditExempt}
)

// auditRules says how each method of the API is audited. A test checks
// that every method of every service has a rule; the interceptor treats an
// API method without one as a mutation, and lets the server's other
// services (health, reflection) through unrecorded.
var auditRules = map[string]auditRule{
	gridwatchv1.GridService_ImportGrids_FullMethodName: mutation(on(func(r *gridwatchv1.ImportGridsRequest) auditTarget {
		if k := kindFromProto(r.GetKind()); k == grid.Police || k == grid.Community {
			return names(gridCollection(k))
		}
		return names("grids")
	})),
	gridwatchv1.GridService_GetGrid_FullMethodName:   readRule,
	gridwatchv1.GridService_ListGrids_FullMethodName: readRule,
	gridwatchv1.GridService_UpdateGrid_FullMethodName: mutation(on(func(r *gridwatchv1.UpdateGridRequest) auditTarget {
		return names(r.GetGrid().GetName())
	})),
	gridwatchv1.GridService_LocatePoint_FullMethodName: readRule,
	gridwatchv1.GridService_ImportUnits_FullMethodName: mutation(importOf(units)),
	gridwatchv1.GridService_GetUnit_FullMethodName:     readRule,
	gridwatchv1.GridService_ListUnits_FullMethodName:   readRule,

	gridwatchv1.RosterService_ImportWatchPosts_FullMethodName:          mutation(importOf(watchPosts)),
	gridwatchv1.RosterService_ListWatchPosts_FullMethodName:            readRule,
	gridwatchv1.RosterService_ImportCompounds_FullMethodName:           mutation(importOf(compounds)),
	gridwatchv1.RosterService_ListCompounds_FullMethodName:             readRule,
	gridwatchv1.RosterService_ImportResponders_FullMethodName:          mutation(importOf(responders)),
	gridwatchv1.RosterService_GetResponder_FullMethodName:              readRule,
	gridwatchv1.RosterService_ListResponders_FullMethodName:            readRule,
	gridwatchv1.RosterService_ListUnderstaffedCompounds_FullMethodName: readRule,

	gridwatchv1.PresenceService_StartShift_FullMethodName: mutation(on(func(r *gridwatchv1.StartShiftRequest) auditTarget {
		return names(r.GetResponder())
	})),
	gridwatchv1.PresenceService_EndShift_FullMethodName: mutation(on(func(r *gridwatchv1.EndShiftRequest) auditTarget {
		return names(r.GetResponder())
	})),
	gridwatchv1.PresenceService_SetResponderStatus_FullMethodName: mutation(on(func(r *gridwatchv1.SetResponderStatusRequest) auditTarget {
		return names(r.GetResponder())
	})),
	gridwatchv1.PresenceService_ReportLocations_FullMethodName:      exemptRule,
	gridwatchv1.PresenceService_BatchReportLocations_FullMethodName: exemptRule,
	// The handler notes the point's cell (noteAuditCell): it has the
	// checked query, in WGS-84.
	gridwatchv1.PresenceService_FindResponders_FullMethodName: {kind: auditPositions},
	gridwatchv1.PresenceService_GetOwnGridTime_FullMethodName: readRule,

	gridwatchv1.DispatchService_CreateIncident_FullMethodName: mutation(on(func(r *gridwatchv1.CreateIncidentRequest) auditTarget {
		ni, err := checkCreateIncidentRequest(r)
		if err != nil {
			return names(incidents)
		}
		return auditTarget{objects: []string{incidents}, cell: cellOf(ni.Position.Lat, ni.Position.Lng)}
	})),
	gridwatchv1.DispatchService_GetIncident_FullMethodName:   readRule,
	gridwatchv1.DispatchService_ListIncidents_FullMethodName: readRule,
	gridwatchv1.DispatchService_CancelIncident_FullMethodName: mutation(on(func(r *gridwatchv1.CancelIncidentRequest) auditTarget {
		return names(r.GetName())
	})),
	gridwatchv1.DispatchService_TransitionIncident_FullMethodName: mutation(on(func(r *gridwatchv1.TransitionIncidentRequest) auditTarget {
		return names(r.GetName())
	})),
	gridwatchv1.DispatchService_AcceptOffer_FullMethodName: mutation(on(func(r *gridwatchv1.AcceptOfferRequest) auditTarget {
		return names(r.GetName(), r.GetResponder())
	})),
	gridwatchv1.DispatchService_DeclineOffer_FullMethodName: mutation(on(func(r *gridwatchv1.DeclineOfferRequest) auditTarget {
		return names(r.GetName(), r.GetResponder())
	})),
	gridwatchv1.DispatchService_WithdrawAssignment_FullMethodName: mutation(on(func(r *gridwatchv1.WithdrawAssignmentRequest) auditTarget {
		return names(r.GetIncident(), r.GetResponder())
	})),
	gridwatchv1.DispatchService_AssignResponder_FullMethodName: mutation(on(func(r *gridwatchv1.AssignResponderRequest) auditTarget {
		return names(r.GetIncident(), r.GetResponder())
	})),
	gridwatchv1.DispatchService_RecordArrival_FullMethodName: mutation(on(func(r *gridwatchv1.RecordArrivalRequest) auditTarget {
		return names(r.GetIncident(), r.GetResponder())
	})),
	gridwatchv1.DispatchService_ListCandidates_FullMethodName: {kind: auditPositions,
		target: on(func(r *gridwatchv1.ListCandidatesRequest) auditTarget { return names(r.GetIncident()) })},
	gridwatchv1.DispatchService_WatchOffers_FullMethodName:    readRule,
	gridwatchv1.DispatchService_WatchIncidents_FullMethodName: readRule,

	gridwatchv1.AuditService_ListAuditRecords_FullMethodName: readRule,
}

// cellOf returns the audit cell of a WGS-84 point, 0 if it has none.
func cellOf(lat, lng float64) h3.Cell {
	c, err := h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lng}, audit.CellResolution)
	if err != nil {
		return 0
	}
	return c
}

// responseTarget names what a mutation's answer shows: the incident (and
// its cell) or the grid it returns.
func responseTarget(resp any) auditTarget {
	switch m := resp.(type) {
	case *gridwatchv1.Incident:
		t := names(m.GetName())
		if c := h3.CellFromString(m.GetCell()); c.IsValid() {
			t.cell = c
		}
		return t
	case *gridwatchv1.Grid:
		return names(m.GetName())
	case *gridwatchv1.Shift:
		return names(m.GetResponder())
	}
	return auditTarget{}
}

// disclosed returns the responders whose precise positions resp shows,
// once each, in the order first shown.
func disclosed(resp any) auditTarget {
	var circles []*gridwatchv1.ResponseCircle
	switch m := resp.(type) {
	case *gridwatchv1.FindRespondersResponse:
		circles = m.GetCircles()
	case *gridwatchv1.ListCandidatesResponse:
		for _, s := range m.GetSlots() {
			circles = append(circles, s.GetCircles()...)
		}
	}
	n := 0
	for _, c := range circles {
		n += len(c.GetResponders())
	}
	shown := make([]string, 0, n)
	for _, c := range circles {
		for _, r := range c.GetResponders() {
			if r.GetPosition() != nil {
				shown = append(shown, r.GetResponder())
			}
		}
	}
	return auditTarget{objects: dedupe(shown)}
}
