package memory_test

import (
	"testing"

	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/presence/presencetest"
	"github.com/gridwatch/gridwatch/store/memory"
)

func TestPresenceConformance(t *testing.T) {
	presencetest.RunStoreTests(t, func(t *testing.T) presence.Store { return memory.NewPresence() })
}
