package api

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/uber/h3-go/v4"
)

// apiPrefix starts the full method names of the API's RPCs; the server's
// other services (health, reflection) are not audited.
const apiPrefix = "/gridwatch.v1."

// outcomeTimeout bounds the write of an outcome record, which runs even
// if the caller has gone.
const outcomeTimeout = 5 * time.Second

// auditUnary returns the audit interceptor when cfg.Audit is set. It runs
// last, after authentication and authorisation: a call refused before it
// is not recorded here. Streams need none: the only stream that changes
// state, ReportLocations, is exempt (auditRules).
func auditUnary(cfg Config) []grpc.UnaryServerInterceptor {
	if cfg.Audit == nil {
		return nil
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return []grpc.UnaryServerInterceptor{auditor{rec: cfg.Audit, log: log}.unary}
}

// auditor writes the audit trail of the API's calls as auditRules says.
//
// A mutation gets two records. The attempt is written before the handler
// runs, naming the caller, the action and what the request names; if it
// cannot be written the call fails UNAVAILABLE and the handler never
// runs, so no change goes unrecorded. The outcome is written after the
// handler returns, best effort: it carries the status code, what the
// answer adds (the name and cell of the incident created or changed) and
// the attempt's ID in Ref. If it cannot be written the failure is logged
// and the call's own result stands: the change is done, and the attempt
// already records it. An attempt without an outcome is a call whose
// result is unknown to the trail (read the object to learn it).
type auditor struct {
	rec *audit.Recorder
	log *slog.Logger
}

func (a auditor) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	rule, ok := auditRules[info.FullMethod]
	switch {
	case !ok && !strings.HasPrefix(info.FullMethod, apiPrefix):
		return handler(ctx, req) // health, reflection: not the API
	case !ok:
		rule = auditRule{kind: auditMutation}
	}
	switch {
	case rule.kind == auditMutation:
		return a.mutation(ctx, req, info.FullMethod, rule, handler)
	case rule.kind == auditPositions && RoleFrom(ctx).SeesPositions():
		return a.positions(ctx, req, info.FullMethod, rule, handler)
	}
	return handler(ctx, req)
}

// mutation records the attempt, runs the handler, records the outcome.
func (a auditor) mutation(ctx context.Context, req any, method string, rule auditRule, handler grpc.UnaryHandler) (any, error) {
	t := rule.targetOf(req)
	attempt, err := a.rec.Record(ctx, auditRecord(ctx, method, t))
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	resp, herr := handler(ctx, req)
	out := auditRecord(ctx, method, t.add(responseTarget(resp)))
	out.Outcome, out.Ref = outcomeName(herr), attempt.ID
	octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), outcomeTimeout)
	defer cancel()
	if _, err := a.rec.Record(octx, out); err != nil {
		a.log.WarnContext(ctx, "audit: outcome record not stored", "action", out.Action,
			"attempt", attempt.ID.String(), "outcome", out.Outcome, "err", err)
	}
	return resp, herr
}

// positions runs a read of positions and records what it disclosed before
// sending it; nothing is sent if the record cannot be written.
func (a auditor) positions(ctx context.Context, req any, method string, rule auditRule, handler grpc.UnaryHandler) (any, error) {
	note := &auditNote{}
	resp, err := handler(context.WithValue(ctx, auditNoteKey{}, note), req)
	if err != nil {
		return resp, err
	}
	t := rule.targetOf(req).add(note.target).add(disclosed(resp))
	if _, err := a.rec.Record(ctx, auditRecord(ctx, method, t)); err != nil {
		return nil, a.fail(ctx, err)
	}
	return resp, nil
}

// fail logs and converts an audit failure as the handlers do theirs.
func (a auditor) fail(ctx context.Context, err error) error {
	return logAndConvert(ctx, a.log, err)
}

// targetOf returns what req concerns by r.
func (r auditRule) targetOf(req any) auditTarget {
	if r.target == nil {
		return auditTarget{}
	}
	return r.target(req)
}

// auditRecord is the record of a call of method on ctx concerning t.
func auditRecord(ctx context.Context, method string, t auditTarget) audit.Record {
	p, _ := auth.FromContext(ctx)
	return audit.Record{Actor: p.Subject, Role: p.Role, TokenID: p.TokenID, Action: actionName(method),
		Objects: t.objects, Cell: t.cell}
}

// actionName turns "/gridwatch.v1.DispatchService/CreateIncident" into
// "dispatch.CreateIncident".
func actionName(fullMethod string) string {
	svc, m, ok := strings.Cut(strings.TrimPrefix(fullMethod, "/"), "/")
	if !ok {
		return fullMethod
	}
	svc = strings.TrimSuffix(svc[strings.LastIndexByte(svc, '.')+1:], "Service")
	if svc == "" {
		return m
	}
	return strings.ToLower(svc[:1]) + svc[1:] + "." + m
}

// outcomeName is the canonical name of err's status code, "OK" for nil.
func outcomeName(err error) string {
	c := status.Code(err)
	if n, ok := code.Code_name[int32(c)]; ok {
		return n
	}
	return c.String()
}

// auditNote is what a handler of a positions read adds to its record:
// what neither its request nor its answer shows (ListCandidates: the
// incident's cell).
type auditNote struct{ target auditTarget }

type auditNoteKey struct{}

// noteAuditCell records c as the cell of the call's audit record, if the
// call is audited as a positions read.
func noteAuditCell(ctx context.Context, c h3.Cell) {
	if n, ok := ctx.Value(auditNoteKey{}).(*auditNote); ok {
		n.target.cell = c
	}
}

// noteAuditPoint is noteAuditCell with the cell of p, found only if the
// call is audited.
func noteAuditPoint(ctx context.Context, p geo.LatLng) {
	if n, ok := ctx.Value(auditNoteKey{}).(*auditNote); ok {
		n.target.cell = cellOf(p.Lat, p.Lng)
	}
}
