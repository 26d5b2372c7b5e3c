package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
)

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// presenceCmds are the "responders" subcommands of PresenceService.
func (a *app) presenceCmds() []*cobra.Command {
	return []*cobra.Command{a.shiftCmd(), a.statusCmd(), a.ownGridCmd(), a.nearestCmd(), a.positionsCmd()}
}

func (a *app) shiftCmd() *cobra.Command {
	c := &cobra.Command{Use: "shift", Short: "Start or end a responder's shift"}
	for _, verb := range []string{"start", "end"} {
		c.AddCommand(&cobra.Command{
			Use:   verb + " ID",
			Short: strings.ToUpper(verb[:1]) + verb[1:] + " a responder's shift",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				name := resourceName("responders/", args[0])
				return unary(a, cmd, a.presence, func(ctx context.Context, cl gridwatchv1.PresenceServiceClient) (*gridwatchv1.Shift, error) {
					if verb == "start" {
						return cl.StartShift(ctx, &gridwatchv1.StartShiftRequest{Responder: name})
					}
					return cl.EndShift(ctx, &gridwatchv1.EndShiftRequest{Responder: name})
				}, shiftTable)
			},
		})
	}
	return c
}

func (a *app) statusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status ID available|busy",
		Short: "Set an on-shift responder available or busy",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, ok := gridwatchv1.ResponderStatus_value["RESPONDER_STATUS_"+strings.ToUpper(args[1])]
			if !ok || (st != int32(gridwatchv1.ResponderStatus_RESPONDER_STATUS_AVAILABLE) &&
				st != int32(gridwatchv1.ResponderStatus_RESPONDER_STATUS_BUSY)) {
				return fmt.Errorf("status %q: want available or busy", args[1])
			}
			req := &gridwatchv1.SetResponderStatusRequest{
				Responder: resourceName("responders/", args[0]), Status: gridwatchv1.ResponderStatus(st)}
			return unary(a, cmd, a.presence, func(ctx context.Context, cl gridwatchv1.PresenceServiceClient) (*gridwatchv1.Shift, error) {
				return cl.SetResponderStatus(ctx, req)
			}, shiftTable)
		},
	}
}

func shiftTable(w io.Writer, s *gridwatchv1.Shift) {
	row(w, "responder", s.GetResponder())
	row(w, "status", enumName(s.GetStatus().String(), "RESPONDER_STATUS_"))
	start := "-"
	if s.GetStartTime() != nil {
		start = s.GetStartTime().AsTime().Local().Format(time.RFC3339)
	}
	row(w, "shift started", start)
}

func (a *app) ownGridCmd() *cobra.Command {
	var day string
	c := &cobra.Command{
		Use:   "own-grid ID",
		Short: "Time on shift on a day and the share of it inside the responder's own grid",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := &gridwatchv1.GetOwnGridTimeRequest{Responder: resourceName("responders/", args[0]), Day: day}
			return unary(a, cmd, a.presence, func(ctx context.Context, cl gridwatchv1.PresenceServiceClient) (*gridwatchv1.OwnGridTime, error) {
				return cl.GetOwnGridTime(ctx, req)
			}, ownGridTable)
		},
	}
	c.Flags().StringVar(&day, "day", "", "day as YYYY-MM-DD in the server's time zone (default today)")
	return c
}

func ownGridTable(w io.Writer, t *gridwatchv1.OwnGridTime) {
	row(w, "responder", t.GetResponder())
	row(w, "day", t.GetDay())
	row(w, "on shift", (time.Duration(t.GetOnShiftSeconds()) * time.Second).String())
	row(w, "inside own grid", (time.Duration(t.GetInsideSeconds()) * time.Second).String())
	row(w, "share", fmt.Sprintf("%.1f%%", 100*t.GetShare()))
}
