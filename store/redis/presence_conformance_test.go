package redis_test

import (
	"testing"

	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/presence/presencetest"
)

func TestPresenceConformance(t *testing.T) {
	onServers(t, func(t *testing.T, srv server) {
		presencetest.RunStoreTests(t, func(t *testing.T) presence.Store { return srv.newPresence(t) })
	})
}
