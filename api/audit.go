package api

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/gridwatch/gridwatch/audit"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// auditRecords is the collection of the audit trail's records.
const auditRecords = "auditRecords"

// auditServer implements gridwatch.v1.AuditService: admins read the trail.
type auditServer struct {
	gridwatchv1.UnimplementedAuditServiceServer
	base
	rec *audit.Recorder
}

// ListAuditRecords lists the trail, newest first. Admins only: the
// authorizer's rule (authz_rules.go) refuses everyone else.
func (s *auditServer) ListAuditRecords(ctx context.Context, req *gridwatchv1.ListAuditRecordsRequest) (*gridwatchv1.ListAuditRecordsResponse, error) {
	q, filter, err := checkListAuditRecordsRequest(req)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	p, err := s.rec.List(ctx, q)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	resp := &gridwatchv1.ListAuditRecordsResponse{AuditRecords: make([]*gridwatchv1.AuditRecord, len(p.Records))}
	for i, r := range p.Records {
		resp.AuditRecords[i] = auditRecordToProto(r)
	}
	if !p.Next.IsZero() {
		resp.NextPageToken = encodePageToken(filter, p.Next.String())
	}
	return resp, nil
}

// checkListAuditRecordsRequest returns the query of req and the filter its
// page tokens are bound to.
func checkListAuditRecordsRequest(req *gridwatchv1.ListAuditRecordsRequest) (audit.Query, string, error) {
	filter := auditFilter(req)
	pg, err := checkPage(filter, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return audit.Query{}, "", err
	}
	q := audit.Query{Actor: req.GetActor(), Action: req.GetAction(), Object: req.GetObject(), Limit: pg.size}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"actor", q.Actor, audit.MaxFieldBytes}, {"action", q.Action, audit.MaxFieldBytes},
		{"object", q.Object, audit.MaxObjectBytes}} {
		if len(f.v) > f.max {
			return audit.Query{}, "", invalidf(f.name, "%d bytes, at most %d", len(f.v), f.max)
		}
	}
	if q.Since, err = checkOptionalTime("start_time", req.GetStartTime()); err != nil {
		return audit.Query{}, "", err
	}
	if q.Until, err = checkOptionalTime("end_time", req.GetEndTime()); err != nil {
		return audit.Query{}, "", err
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return audit.Query{}, "", invalid("end_time", "not after start_time")
	}
	if pg.after != "" {
		if q.After, err = audit.ParseID(pg.after); err != nil {
			return audit.Query{}, "", invalid("page_token", "malformed token")
		}
	}
	return q, filter, nil
}

// checkOptionalTime returns the time of ts, zero if unset.
func checkOptionalTime(field string, ts *timestamppb.Timestamp) (time.Time, error) {
	if ts == nil {
		return time.Time{}, nil
	}
	if err := ts.CheckValid(); err != nil {
		return time.Time{}, invalid(field, "not a valid timestamp")
	}
	t := ts.AsTime()
	if t.Before(time.Unix(0, 0)) {
		return time.Time{}, invalid(field, "before 1970")
	}
	return t, nil
}

// auditFilter is what a page token of req is bound to: the collection and
// a digest of the filters.
func auditFilter(req *gridwatchv1.ListAuditRecordsRequest) string {
	return filterDigest(auditRecords, req.GetActor(), req.GetAction(), req.GetObject(), timeKey(req.GetStartTime()),
		timeKey(req.GetEndTime()))
}

// timeKey spells ts for a digest; "" if unset.
func timeKey(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	return fmt.Sprintf("%d.%09d", ts.GetSeconds(), ts.GetNanos())
}

// auditRecordToProto returns r as a message.
func auditRecordToProto(r audit.Record) *gridwatchv1.AuditRecord {
	return &gridwatchv1.AuditRecord{
		Name:           resourceName(auditRecords, r.ID.String()),
		RecordTime:     timestamppb.New(r.At),
		Actor:          r.Actor,
		Role:           r.Role.String(),
		TokenId:        r.TokenID,
		Action:         r.Action,
		Objects:        r.Objects,
		OmittedObjects: int32(min(r.Omitted, 1<<31-1)),
		Cell:           cellString(r.Cell),
		Outcome:        r.Outcome,
		Attempt:        resourceName(auditRecords, r.Ref.String()),
	}
}
