package api

import (
	"context"
	"testing"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// auditCases are the matrix's cases of AuditService: the trail is the
// admins' alone, whoever's records a call asks for.
func auditCases() map[string]authzCase {
	list := func(ctx context.Context, e *authzEnv, actor string) error {
		_, err := e.audit.ListAuditRecords(ctx, &gridwatchv1.ListAuditRecordsRequest{Actor: actor})
		return err
	}
	return map[string]authzCase{
		gridwatchv1.AuditService_ListAuditRecords_FullMethodName: {may: admins, reach: admins,
			own: func(_ *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
				return list(ctx, e, p.Subject) // even one's own records
			},
			foreign: func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) []error {
				return errs(list(ctx, e, ""), list(ctx, e, testOperator.Subject))
			}},
	}
}
