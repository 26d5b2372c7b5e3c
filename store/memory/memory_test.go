package memory_test

import (
	"testing"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/grid/gridtest"
	"github.com/gridwatch/gridwatch/store/memory"
)

func TestConformance(t *testing.T) {
	gridtest.RunStoreTests(t, func(t *testing.T) grid.Store { return memory.New() })
}
