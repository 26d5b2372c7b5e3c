package gridtest

import (
	"context"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/grid"
)

// newStoreFunc returns an empty store isolated from every other it returns; it
// may register cleanups on t.
type newStoreFunc func(t *testing.T) grid.Store

// RunStoreTests runs the whole suite.
func RunStoreTests(t *testing.T, newStore func(t *testing.T) grid.Store) {
	t.Run("UnitStore", func(t *testing.T) { RunUnitStoreTests(t, newStore) })
	t.Run("GridStore", func(t *testing.T) { RunGridStoreTests(t, newStore) })
	t.Run("SiteStore", func(t *testing.T) { RunSiteStoreTests(t, newStore) })
	t.Run("RosterStore", func(t *testing.T) { RunRosterStoreTests(t, newStore) })
	t.Run("Ping", func(t *testing.T) {
		t.Parallel()
		if err := newStore(t).Ping(context.Background()); err != nil {
			t.Errorf("Ping = %v, want nil", err)
		}
	})
}

// test is one named test of a sub-suite.
type test struct {
	name string
	run  func(t *testing.T, newStore newStoreFunc)
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

// hangTimeout is how long a call may take before the suite calls it hung.
const hangTimeout = 10 * time.Second

// call is one store method called with a context.
type call struct {
	name string
	do   func(ctx context.Context, s grid.Store) error
}

// testCanceled checks that each call fails, rather than hangs or succeeds,
// on a context canceled before the call.
func testCanceled(t *testing.T, newStore newStoreFunc, calls []call) {
	s := newStore(t)
	for _, c := range calls {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		done := make(chan error, 1)
		go func() { done <- c.do(ctx, s) }()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%s with a canceled context = nil, want an error", c.name)
			}
		case <-time.After(hangTimeout):
			t.Errorf("%s with a canceled context hung for %v", c.name, hangTimeout)
		}
	}
}
