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
)

// listIncidentsCmd is "incidents list". Unlike the grid and roster lists,
// which are bounded and always printed whole, incidents only accumulate:
// it prints one page (with, in text, the token of the next on stderr)
// unless --all pages through everything.
func (a *app) listIncidentsCmd() *cobra.Command {
	var states []string
	var all bool
	req := &gridwatchv1.ListIncidentsRequest{}
	c := &cobra.Command{
		Use:   "list [--state STATE]... [--cell HEX]... [--grid NAME]... [--page-size N] [--all]",
		Short: "List incidents, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if req.States, err = parseIncidentStates(states); err != nil {
				return err
			}
			cl, err := a.dispatch()
			if err != nil {
				return err
			}
			ctx, cancel := a.call(cmd)
			defer cancel()
			resp, err := listIncidents(ctx, cl, req, all)
			if err != nil {
				return err
			}
			if err := a.emit(cmd, resp, func(w io.Writer) { incidentsTable(w, resp.GetIncidents()) }); err != nil {
				return err
			}
			if tok := resp.GetNextPageToken(); tok != "" && a.output != "json" {
				fmt.Fprintf(cmd.ErrOrStderr(), "more: --page-token %s (or --all)\n", tok)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringSliceVar(&states, "state", nil, "only incidents in this state (repeat or comma-separate): "+
		"new, dispatching, assigned, on_scene, resolved, closed, cancelled, or active (dispatching, assigned, on_scene)")
	f.StringSliceVar(&req.Cells, "cell", nil, "only incidents inside this H3 cell, hex, resolution 0 to 9 (repeat or comma-separate)")
	f.StringSliceVar(&req.Grids, "grid", nil, "only incidents inside this grid, policeGrids/ID or communityGrids/ID "+
		"(repeat or comma-separate; with --cell, inside either)")
	f.Int32Var(&req.PageSize, "page-size", 0, "incidents per page, at most 500 (default: the server's, 50)")
	f.StringVar(&req.PageToken, "page-token", "", "continue from a previous page (same --state, --cell and --grid)")
	f.BoolVar(&all, "all", false, "page through every incident instead of printing one page")
	return c
}

// listIncidents makes one ListIncidents call, or with all as many as it
// takes, and returns the incidents in one response (no token after all).
func listIncidents(ctx context.Context, cl gridwatchv1.DispatchServiceClient, req *gridwatchv1.ListIncidentsRequest, all bool) (*gridwatchv1.ListIncidentsResponse, error) {
	if !all {
		return cl.ListIncidents(ctx, req)
	}
	out := &gridwatchv1.ListIncidentsResponse{}
	page := proto.CloneOf(req)
	err := listAll(ctx, func(ctx context.Context, tok string) (string, error) {
		if tok != "" {
			page.PageToken = tok
		}
		r, err := cl.ListIncidents(ctx, page)
		out.Incidents = append(out.Incidents, r.GetIncidents()...)
		return r.GetNextPageToken(), err
	})
	return out, err
}

// activeStates are what --state active means.
var activeStates = []gridwatchv1.IncidentState{gridwatchv1.IncidentState_INCIDENT_STATE_DISPATCHING,
	gridwatchv1.IncidentState_INCIDENT_STATE_ASSIGNED, gridwatchv1.IncidentState_INCIDENT_STATE_ON_SCENE}

// parseIncidentStates reads --state values such as on_scene or active.
func parseIncidentStates(names []string) ([]gridwatchv1.IncidentState, error) {
	var out []gridwatchv1.IncidentState
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "active" {
			out = append(out, activeStates...)
			continue
		}
		v, ok := gridwatchv1.IncidentState_value["INCIDENT_STATE_"+strings.ToUpper(n)]
		if !ok || v == 0 {
			return nil, fmt.Errorf("--state %q: want new, dispatching, assigned, on_scene, resolved, closed, cancelled or active", n)
		}
		out = append(out, gridwatchv1.IncidentState(v))
	}
	return out, nil
}

// incidentsTable prints one line per incident.
func incidentsTable(w io.Writer, incs []*gridwatchv1.Incident) {
	row(w, "NAME", "STATE", "CATEGORY", "SEVERITY", "CREATED", "CELL")
	for _, inc := range incs {
		row(w, inc.GetName(), enumName(inc.GetState().String(), "INCIDENT_STATE_"), inc.GetCategory(),
			inc.GetSeverity(), inc.GetCreateTime().AsTime().Local().Format(time.DateTime), orDash(inc.GetCell()))
	}
}
