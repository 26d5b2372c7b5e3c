// Package presencetest is the conformance suite of presence.Store: every
// engine (store/memory, store/redis) runs RunStoreTests from its own tests,
// so the engines keep one contract, the one documented in presence/store.go.
//
//	func TestPresenceConformance(t *testing.T) {
//		presencetest.RunStoreTests(t, func(t *testing.T) presence.Store { return newEmptyStore(t) })
//	}
//
// newStore must return an empty store, isolated from every other store it
// returns: the tests run in parallel, each on a store of its own. Engines
// need no clock: the suite passes SeenAt and FreshSince explicitly, and the
// service tests run presence.Service on a fake Clock.
//
// Besides the contract's cases the suite checks two properties on random
// data around Shenyang (seeded, so failures reproduce): Nearby returns
// exactly the responders a brute force finds within each radius, and
// presence.Service.FindResponders over the engine equals a brute-force
// ranking of every responder, exactly: ids, order, ETAs and distances. The
// latter means an engine must return positions exactly as stored (full
// float64 precision, not a geohash).
package presencetest
