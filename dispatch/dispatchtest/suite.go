package dispatchtest

import (
	"testing"

	"github.com/gridwatch/gridwatch/dispatch"
)

// newStoreFunc returns an empty store isolated from every other it
// returns; it may register cleanups on t.
type newStoreFunc func(t *testing.T) dispatch.Store

// RunStoreTests runs the whole suite in parallel subtests: the Store
// contract, the races, and dispatch.Service over the engine.
func RunStoreTests(t *testing.T, newStore func(t *testing.T) dispatch.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, newStore newStoreFunc)
	}{
		{"CreateIdempotent", testCreateIdempotent},
		{"CreateConcurrent", testCreateConcurrent},
		{"CreateDuplicateID", testCreateDuplicateID},
		{"NotFound", testNotFound},
		{"OfferPreconditions", testOfferPreconditions},
		{"OfferEffects", testOfferEffects},
		{"AcceptEffects", testAcceptEffects},
		{"AcceptPreconditions", testAcceptPreconditions},
		{"AcceptRetry", testAcceptRetry},
		{"Decline", testDecline},
		{"Lapse", testLapse},
		{"Assign", testAssign},
		{"Withdraw", testWithdraw},
		{"Release", testRelease},
		{"MarkArrived", testMarkArrived},
		{"WidenAndExhaust", testWidenAndExhaust},
		{"Transitions", testTransitions},
		{"EndReleasesAll", testEndReleasesAll},
		{"PendingOffers", testPendingOffers},
		{"Unstaffed", testUnstaffed},
		{"TimelineNumbered", testTimelineNumbered},
		{"ListOrder", testListOrder},
		{"ListPaging", testListPaging},
		{"ListStates", testListStates},
		{"ListCells", testListCells},
		{"ListEmpty", testListEmpty},
		{"ListInvalid", testListInvalid},
		{"ServiceList", testServiceList},
		{"ConcurrentAccept", testConcurrentAccept},
		{"AcceptVersusLapse", testAcceptVersusLapse},
		{"ServiceAcceptVersusTick", testServiceAcceptVersusTick},
		{"ServiceResume", testServiceResume},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newStore)
		})
	}
}
