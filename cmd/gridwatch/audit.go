package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// auditCmd is the "audit" command of AuditService (admins only: --role
// admin).
func (a *app) auditCmd() *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "Read the audit trail (admins)"}
	c.AddCommand(a.listAuditCmd())
	return c
}

// listAuditCmd is "audit list": one page, newest first, unless --all.
func (a *app) listAuditCmd() *cobra.Command {
	var since, until string
	var all bool
	req := &gridwatchv1.ListAuditRecordsRequest{}
	c := &cobra.Command{
		Use:   "list [--actor WHO] [--action SERVICE.METHOD] [--object NAME] [--since T] [--until T] [--all]",
		Short: "List audit records, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			var err error
			if req.StartTime, err = parseWhen("--since", since, now); err != nil {
				return err
			}
			if req.EndTime, err = parseWhen("--until", until, now); err != nil {
				return err
			}
			conn, err := a.dial()
			if err != nil {
				return err
			}
			ctx, cancel := a.call(cmd)
			defer cancel()
			resp, err := listAudit(ctx, gridwatchv1.NewAuditServiceClient(conn), req, all)
			if err != nil {
				return err
			}
			if err := a.emit(cmd, resp, func(w io.Writer) { auditTable(w, resp.GetAuditRecords()) }); err != nil {
				return err
			}
			if tok := resp.GetNextPageToken(); tok != "" && a.output != "json" {
				fmt.Fprintf(cmd.ErrOrStderr(), "more: --page-token %s (or --all)\n", tok)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&req.Actor, "actor", "", "only records of this actor (a responder id or user name)")
	f.StringVar(&req.Action, "action", "", "only records of this action, such as dispatch.CreateIncident")
	f.StringVar(&req.Object, "object", "", "only records naming this object, such as responders/r1")
	f.StringVar(&since, "since", "", "only records at or after this time: RFC 3339, or a duration ago such as 24h")
	f.StringVar(&until, "until", "", "only records before this time: RFC 3339, or a duration ago")
	f.Int32Var(&req.PageSize, "page-size", 0, "records per page, at most 1000 (default: the server's, 100)")
	f.StringVar(&req.PageToken, "page-token", "", "continue from a previous page (same filters)")
	f.BoolVar(&all, "all", false, "page through every record instead of printing one page")
	return c
}

// parseWhen reads an RFC 3339 time or a duration before now; "" is unset.
func parseWhen(flag, s string, now time.Time) (*timestamppb.Timestamp, error) {
	if s == "" {
		return nil, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return timestamppb.New(now.Add(-d)), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, fmt.Errorf("%s %q: want an RFC 3339 time or a duration such as 24h", flag, s)
	}
	return timestamppb.New(t), nil
}

// listAudit makes one call, or with all as many as it takes.
func listAudit(ctx context.Context, cl gridwatchv1.AuditServiceClient, req *gridwatchv1.ListAuditRecordsRequest, all bool) (*gridwatchv1.ListAuditRecordsResponse, error) {
	if !all {
		return cl.ListAuditRecords(ctx, req)
	}
	out := &gridwatchv1.ListAuditRecordsResponse{}
	page := proto.CloneOf(req)
	err := listAll(ctx, func(ctx context.Context, tok string) (string, error) {
		if tok != "" {
			page.PageToken = tok
		}
		r, err := cl.ListAuditRecords(ctx, page)
		out.AuditRecords = append(out.AuditRecords, r.GetAuditRecords()...)
		return r.GetNextPageToken(), err
	})
	return out, err
}

// auditTable prints one line per record.
func auditTable(w io.Writer, recs []*gridwatchv1.AuditRecord) {
	row(w, "TIME", "ACTOR", "ROLE", "ACTION", "OUTCOME", "CELL", "OBJECTS")
	for _, r := range recs {
		objs := strings.Join(r.GetObjects(), ",")
		if n := r.GetOmittedObjects(); n > 0 {
			objs += fmt.Sprintf(",+%d more", n)
		}
		outcome := r.GetOutcome()
		if outcome == "" {
			outcome = "(attempt)"
		}
		row(w, r.GetRecordTime().AsTime().Local().Format("2006-01-02 15:04:05.000"), orDash(r.GetActor()),
			r.GetRole(), r.GetAction(), outcome, orDash(r.GetCell()), orDash(objs))
	}
}
