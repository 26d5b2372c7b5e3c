package memory_test

import (
	"testing"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/audit/audittest"
	"github.com/gridwatch/gridwatch/store/memory"
)

func TestAuditConformance(t *testing.T) {
	audittest.RunStoreTests(t, func(*testing.T) audit.Store { return memory.NewAudit() })
}
