package api

import (
	"context"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// The role sets of the rules.
var (
	// everyone is every role.
	everyone = auth.Roles()
	// admins import and edit the reference data.
	admins = []Role{RoleAdmin}
	// gridRoles reach grids by their scope, and admins all of them.
	gridRoles = []Role{RoleOfficer, RoleStationChief, RoleDispatcher, RoleAdmin}
	// dispatchers send people.
	dispatchers = []Role{RoleDispatcher, RoleAdmin}
	// responderRoles are the roles of responders (the subject is the
	// responder id).
	responderRoles = []Role{RoleVolunteer, RoleOfficer}
)

// authzRules returns the rule of every method of gridwatch.v1, by full
// method name. docs/SECURITY.md ("Authorisation") has the same table in
// prose; TestAuthzMatrix fails for a method without a rule.
func authzRules() map[string]rule {
	rules := map[string]rule{}
	for _, part := range []map[string]rule{gridRules(), rosterRules(), presenceRules(), dispatchRules()} {
		for m, r := range part {
			rules[m] = r
		}
	}
	return rules
}

// gridRules are GridService's: grid names and the named officer chain are
// public-facing; imports and edits are the admins'.
func gridRules() map[string]rule {
	return map[string]rule{
		gridwatchv1.GridService_ImportGrids_FullMethodName: {roles: admins},
		gridwatchv1.GridService_GetGrid_FullMethodName:     {roles: everyone},
		gridwatchv1.GridService_ListGrids_FullMethodName:   {roles: everyone},
		gridwatchv1.GridService_UpdateGrid_FullMethodName:  {roles: admins},
		gridwatchv1.GridService_LocatePoint_FullMethodName: {roles: everyone},
		gridwatchv1.GridService_ImportUnits_FullMethodName: {roles: admins},
		gridwatchv1.GridService_GetUnit_FullMethodName:     {roles: everyone},
		gridwatchv1.GridService_ListUnits_FullMethodName:   {roles: everyone},
	}
}

// rosterRules are RosterService's: sites are public, responders are seen
// by themselves and within the caller's scope.
func rosterRules() map[string]rule {
	return map[string]rule{
		gridwatchv1.RosterService_ImportWatchPosts_FullMethodName: {roles: admins},
		gridwatchv1.RosterService_ListWatchPosts_FullMethodName:   {roles: everyone},
		gridwatchv1.RosterService_ImportCompounds_FullMethodName:  {roles: admins},
		gridwatchv1.RosterService_ListCompounds_FullMethodName:    {roles: everyone},
		gridwatchv1.RosterService_ImportResponders_FullMethodName: {roles: admins},
		gridwatchv1.RosterService_GetResponder_FullMethodName: {roles: everyone,
			check: checkOf(authzGetResponder)},
		gridwatchv1.RosterService_ListResponders_FullMethodName:            {roles: gridRoles, scoped: true},
		gridwatchv1.RosterService_ListUnderstaffedCompounds_FullMethodName: {roles: gridRoles, scoped: true},
	}
}

// presenceRules are PresenceService's: a responder acts for themselves,
// station chiefs and dispatchers for the responders of their units.
func presenceRules() map[string]rule {
	return map[string]rule{
		gridwatchv1.PresenceService_StartShift_FullMethodName:         {roles: everyone, check: responderCheck((*scope).manageResponder)},
		gridwatchv1.PresenceService_EndShift_FullMethodName:           {roles: everyone, check: responderCheck((*scope).manageResponder)},
		gridwatchv1.PresenceService_SetResponderStatus_FullMethodName: {roles: everyone, check: responderCheck((*scope).manageResponder)},
		gridwatchv1.PresenceService_ReportLocations_FullMethodName:    {roles: everyone, check: checkOf(authzReport)},
		gridwatchv1.PresenceService_BatchReportLocations_FullMethodName: {roles: everyone,
			check: checkOf(authzBatchReport)},
		gridwatchv1.PresenceService_FindResponders_FullMethodName: {roles: gridRoles,
			check: checkOf(authzFindResponders)},
		gridwatchv1.PresenceService_GetOwnGridTime_FullMethodName: {roles: everyone,
			check: responderCheck((*scope).manageResponder)},
	}
}

// dispatchRules are DispatchService's: incidents within the caller's
// scope, offers answered by their responder only.
func dispatchRules() map[string]rule {
	return map[string]rule{
		gridwatchv1.DispatchService_CreateIncident_FullMethodName: {roles: everyone, scoped: true,
			check: checkOf(authzCreateIncident)},
		gridwatchv1.DispatchService_GetIncident_FullMethodName: {roles: everyone,
			check: incidentCheck(func(r *gridwatchv1.GetIncidentRequest) string { return r.GetName() }, "name", (*scope).readIncident)},
		gridwatchv1.DispatchService_ListIncidents_FullMethodName:  {roles: gridRoles, scoped: true},
		gridwatchv1.DispatchService_WatchIncidents_FullMethodName: {roles: gridRoles, scoped: true},
		gridwatchv1.DispatchService_CancelIncident_FullMethodName: {roles: dispatchers,
			check: incidentCheck(func(r *gridwatchv1.CancelIncidentRequest) string { return r.GetName() }, "name", (*scope).reachIncident)},
		gridwatchv1.DispatchService_TransitionIncident_FullMethodName: {roles: gridRoles,
			check: incidentCheck(func(r *gridwatchv1.TransitionIncidentRequest) string { return r.GetName() }, "name", (*scope).reachIncident)},
		gridwatchv1.DispatchService_AssignResponder_FullMethodName: {roles: dispatchers,
			check: incidentCheck(func(r *gridwatchv1.AssignResponderRequest) string { return r.GetIncident() }, "incident", (*scope).reachIncident)},
		gridwatchv1.DispatchService_RecordArrival_FullMethodName: {roles: dispatchers,
			check: incidentCheck(func(r *gridwatchv1.RecordArrivalRequest) string { return r.GetIncident() }, "incident", (*scope).reachIncident)},
		gridwatchv1.DispatchService_ListCandidates_FullMethodName: {roles: dispatchers,
			check: incidentCheck(func(r *gridwatchv1.ListCandidatesRequest) string { return r.GetIncident() }, "incident", (*scope).reachIncident)},
		// A responder's own offers: nobody answers for them, not even an
		// admin (AssignResponder assigns by hand).
		gridwatchv1.DispatchService_AcceptOffer_FullMethodName:        {roles: responderRoles, check: responderCheck((*scope).onlySelf)},
		gridwatchv1.DispatchService_DeclineOffer_FullMethodName:       {roles: responderRoles, check: responderCheck((*scope).onlySelf)},
		gridwatchv1.DispatchService_WithdrawAssignment_FullMethodName: {roles: responderRoles, check: responderCheck((*scope).onlySelf)},
		gridwatchv1.DispatchService_WatchOffers_FullMethodName:        {roles: responderRoles, check: responderCheck((*scope).onlySelf)},

		// The audit trail is the admins' alone.
		gridwatchv1.AuditService_ListAuditRecords_FullMethodName: {roles: admins},
	}
}

// checkOf adapts a check of requests of type R to a rule's check; any
// other message is denied.
func checkOf[R any](f func(ctx context.Context, s *scope, req R) error) func(context.Context, *scope, any) error {
	return func(ctx context.Context, s *scope, req any) error {
		r, ok := req.(R)
		if !ok {
			return denied("unexpected request %T", req)
		}
		return f(ctx, s, r)
	}
}

// responderRequest is a request naming a responder in its field
// "responder".
type responderRequest interface{ GetResponder() string }

// responderCheck is the check of a request naming a responder: the name
// must be valid and act must allow the caller on the responder.
func responderCheck(act func(s *scope, ctx context.Context, id string) error) func(context.Context, *scope, any) error {
	return checkOf(func(ctx context.Context, s *scope, req responderRequest) error {
		id, err := checkResponder("responder", req.GetResponder())
		if err != nil {
			return err
		}
		return act(s, ctx, id)
	})
}

// incidentCheck is the check of a request naming an incident in field:
// the name must be valid and act must allow the caller on the incident.
func incidentCheck[R any](name func(R) string, field string, act func(s *scope, ctx context.Context, id string) error) func(context.Context, *scope, any) error {
	return checkOf(func(ctx context.Context, s *scope, req R) error {
		id, err := parseName(field, name(req), incidents)
		if err != nil {
			return err
		}
		return act(s, ctx, id)
	})
}
