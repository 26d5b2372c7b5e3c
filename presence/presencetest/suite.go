package presencetest

import (
	"testing"

	"github.com/gridwatch/gridwatch/presence"
)

// newStoreFunc returns an empty store isolated from every other it returns;
// it may register cleanups on t.
type newStoreFunc func(t *testing.T) presence.Store

// test is one named test of the suite.
type test struct {
	name string
	run  func(t *testing.T, newStore newStoreFunc)
}

// RunStoreTests runs the whole suite: the Store contract, concurrency, and
// the properties of Nearby and of the service's search over the engine.
func RunStoreTests(t *testing.T, newStore func(t *testing.T) presence.Store) {
	runAll(t, newStore, []test{
		{"StartShift", testStartShift},
		{"StartShiftIdempotent", testStartShiftIdempotent},
		{"EndShift", testEndShift},
		{"NotOnShift", testNotOnShift},
		{"SetStatus", testSetStatus},
		{"MoveSetsFields", testMoveSetsFields},
		{"OlderUpdateIgnored", testOlderIgnored},
		{"EqualFixTimeApplied", testEqualFixTime},
		{"MoveBetweenCells", testMoveBetweenCells},
		{"MoveKeepsStatus", testMoveKeepsStatus},
		{"NearbyFilters", testNearbyFilters},
		{"NearbyFreshness", testNearbyFreshness},
		{"NearbyRadiusPerMode", testNearbyRadiusPerMode},
		{"NearbyBuffer", testNearbyBuffer},
		{"NearbyFields", testNearbyFields},
		{"OwnGridAccrual", testOwnGridAccrual},
		{"OwnGridUntracked", testOwnGridUntracked},
		{"OwnGridAcrossShifts", testOwnGridAcrossShifts},
		{"OwnGridDays", testOwnGridDays},
		{"Concurrent", testConcurrent},
		{"Canceled", testCanceled},
		{"NearbyProperty", testNearbyProperty},
	})
	t.Run("ServiceProperty", func(t *testing.T) {
		t.Parallel()
		RunServiceProperty(t, newStore)
	})
}

// runAll runs tests in parallel.
func runAll(t *testing.T, newStore newStoreFunc, tests []test) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newStore)
		})
	}
}
