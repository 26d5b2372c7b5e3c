package memory_test

import (
	"testing"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/dispatch/dispatchtest"
	"github.com/gridwatch/gridwatch/store/memory"
)

func TestDispatchConformance(t *testing.T) {
	dispatchtest.RunStoreTests(t, func(t *testing.T) dispatch.Store { return memory.NewDispatch() })
}
