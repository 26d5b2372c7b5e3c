package api

import (
	"strings"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// rateClass is the budget a method's calls are charged to.
type rateClass int

const (
	rateUnary   rateClass = iota // Limits.Unary
	rateBulk                     // Limits.Bulk
	rateStream                   // Limits.StreamOpens, and the caller's open streams
	rateUpdates                  // rateStream, and each message to Limits.Updates
)

// sizeClass is the cap on a method's received messages.
type sizeClass int

const (
	sizeRequest sizeClass = iota // Config.MaxRequestBytes
	sizeUpdate                   // Config.MaxUpdateBytes, each message
	sizeBatch                    // Config.MaxUpdateBytes, each report
	sizeImport                   // Config.MaxImportBytes plus importSlack
)

// importSlack is what an import request may hold besides its data.
const importSlack = 64 << 10

// methodRule is how the limits treat one method.
type methodRule struct {
	rate rateClass
	size sizeClass
}

// methodRules are the limits of every method of gridwatch.v1; a test
// checks against the service descriptors that none is missing. A method
// not listed (grpc.health.v1, reflection) gets the unary rate and the
// request cap, unless it is exempt.
var methodRules = map[string]methodRule{
	gridwatchv1.GridService_ImportGrids_FullMethodName: {rateBulk, sizeImport},
	gridwatchv1.GridService_GetGrid_FullMethodName:     {rateUnary, sizeRequest},
	gridwatchv1.GridService_ListGrids_FullMethodName:   {rateUnary, sizeRequest},
	gridwatchv1.GridService_UpdateGrid_FullMethodName:  {rateUnary, sizeRequest},
	gridwatchv1.GridService_LocatePoint_FullMethodName: {rateUnary, sizeRequest},
	gridwatchv1.GridService_ImportUnits_FullMethodName: {rateBulk, sizeImport},
	gridwatchv1.GridService_GetUnit_FullMethodName:     {rateUnary, sizeRequest},
	gridwatchv1.GridService_ListUnits_FullMethodName:   {rateUnary, sizeRequest},

	gridwatchv1.RosterService_ImportWatchPosts_FullMethodName:          {rateBulk, sizeImport},
	gridwatchv1.RosterService_ListWatchPosts_FullMethodName:            {rateUnary, sizeRequest},
	gridwatchv1.RosterService_ImportCompounds_FullMethodName:           {rateBulk, sizeImport},
	gridwatchv1.RosterService_ListCompounds_FullMethodName:             {rateUnary, sizeRequest},
	gridwatchv1.RosterService_ImportResponders_FullMethodName:          {rateBulk, sizeImport},
	gridwatchv1.RosterService_GetResponder_FullMethodName:              {rateUnary, sizeRequest},
	gridwatchv1.RosterService_ListResponders_FullMethodName:            {rateUnary, sizeRequest},
	gridwatchv1.RosterService_ListUnderstaffedCompounds_FullMethodName: {rateUnary, sizeRequest},

	gridwatchv1.PresenceService_StartShift_FullMethodName:           {rateUnary, sizeRequest},
	gridwatchv1.PresenceService_EndShift_FullMethodName:             {rateUnary, sizeRequest},
	gridwatchv1.PresenceService_SetResponderStatus_FullMethodName:   {rateUnary, sizeRequest},
	gridwatchv1.PresenceService_ReportLocations_FullMethodName:      {rateUpdates, sizeUpdate},
	gridwatchv1.PresenceService_BatchReportLocations_FullMethodName: {rateBulk, sizeBatch},
	gridwatchv1.PresenceService_FindResponders_FullMethodName:       {rateUnary, sizeRequest},
	gridwatchv1.PresenceService_GetOwnGridTime_FullMethodName:       {rateUnary, sizeRequest},

	gridwatchv1.DispatchService_CreateIncident_FullMethodName:     {rateUnary, sizeRequest},
	gridwatchv1.DispatchService_GetIncident_FullMethodName:        {rateUnary, sizeRequest},
	gridwatchv1.DispatchService_ListIncidents_FullMethodName:      {rateUnary, sizeRequest},
	gridwatchv1.DispatchService_CancelIncident_FullMethodName:     {rateUnary, sizeRequest},
	gridwatchv1.DispatchService_TransitionIncident_FullMethodName: {rateUnary, sizeRequest},
	gridwatchv1.DispatchService_AcceptOffer_FullMethodName:        {rateUnary, sizeRequest},
	gridwatchv1.DispatchService_DeclineOffer_FullMethodName:       {rateUnary, sizeRequest},
	gridwatchv1.DispatchService_WithdrawAssignment_FullMethodName: {rateUnary, sizeRequest},
	gridwatchv1.DispatchService_AssignResponder_FullMethodName:    {rateUnary, sizeRequest},
	gridwatchv1.DispatchService_RecordArrival_FullMethodName:      {rateUnary, sizeRequest},
	gridwatchv1.DispatchService_ListCandidates_FullMethodName:     {rateUnary, sizeRequest},
	gridwatchv1.DispatchService_WatchOffers_FullMethodName:        {rateStream, sizeRequest},
	gridwatchv1.DispatchService_WatchIncidents_FullMethodName:     {rateStream, sizeRequest},

	gridwatchv1.AuditService_ListAuditRecords_FullMethodName: {rateUnary, sizeRequest},
}

// ruleOf returns the limits of method; streams not listed count as
// streams.
func ruleOf(method string, stream bool) methodRule {
	if r, ok := methodRules[method]; ok {
		return r
	}
	if stream {
		return methodRule{rate: rateStream}
	}
	return methodRule{}
}

// rateExempt reports whether method is health checking or reflection,
// which no rate limit applies to: probes and tools call them, and they
// cost next to nothing.
func rateExempt(method string) bool {
	return strings.HasPrefix(method, "/grpc.health.v1.") || strings.HasPrefix(method, "/grpc.reflection.")
}
