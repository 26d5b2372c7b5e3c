// Package dispatchtest is the conformance suite of dispatch.Store: every
// engine runs RunStoreTests from its own tests, so the engines keep one
// contract, the one documented in dispatch/store.go.
//
//	func TestDispatchConformance(t *testing.T) {
//		dispatchtest.RunStoreTests(t, func(t *testing.T) dispatch.Store { return newEmptyStore(t) })
//	}
//
// newStore must return an empty store isolated from every other it
// returns: the tests run in parallel, each on a store of its own. Engines
// need no clock: every call passes its time.
//
// Besides a case for each precondition and effect (listing included:
// order, ties, paging with every page size, filters), the suite runs two
// races on the engine under test: 10,000 trials of 2 to 16 responders
// accepting the same slots at once (exactly one winner per slot, never a
// responder with two assignments), and an accept racing the offer's
// deadline on a fake clock, both at the store and through dispatch.Service
// (each trial ends accepted, or lapsed and re-offered: never both, never
// neither). ServiceResume restarts the service over the same store: a new
// dispatch.Service, sharing nothing with the old one, lapses the old
// one's offer at its deadline, re-offers the slot, and staffs a slot the
// old one left open. The fakes (Finder, Statuses, Sink) serve dispatch's own tests
// too.
package dispatchtest
