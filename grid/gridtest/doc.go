// Package gridtest is the conformance suite of grid.Store: every engine
// (store/memory, store/redis) runs RunStoreTests from its own tests, so the
// engines keep one contract, the one documented in grid/store.go.
//
//	func TestConformance(t *testing.T) {
//		gridtest.RunStoreTests(t, func(t *testing.T) grid.Store { return newEmptyStore(t) })
//	}
//
// newStore must return an empty store, isolated from every other store it
// returns: the tests run in parallel, each on a store of its own. The cells
// used are real H3 cells around Shenyang (and one point in Dalian, on another
// ShardCell).
package gridtest
