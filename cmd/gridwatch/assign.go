package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// assignColumns maps the CSV columns of "grids assign" to Grid fields.
var assignColumns = map[string]string{
	"unit": "unit", "display_name": "display_name",
	"officer_id": "officer", "officer_name": "officer",
	"team_leader_id": "team_leader", "team_leader_name": "team_leader",
	"deputy_chief_id": "deputy_chief", "deputy_chief_name": "deputy_chief",
}

func (a *app) gridsAssignCmd() *cobra.Command {
	var kind string
	c := &cobra.Command{
		Use:   "assign FILE.csv",
		Short: "Set grids' unit and officers from a CSV (grid,unit,officer_id,officer_name,team_leader_id,…)",
		Long: "Each row updates one grid with UpdateGrid; only the columns present are changed.\n" +
			"Columns: grid (required), display_name, unit, officer_id, officer_name, team_leader_id,\n" +
			"team_leader_name, deputy_chief_id, deputy_chief_name. Rows are applied in order; on an\n" +
			"error the rows before it stay applied.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := parseKind(kind)
			if err != nil {
				return err
			}
			reqs, err := readAssignments(args[0], k)
			if err != nil {
				return err
			}
			cl, err := a.grids()
			if err != nil {
				return err
			}
			ctx, cancel := a.call(cmd)
			defer cancel()
			out := &gridwatchv1.ListGridsResponse{}
			for i, r := range reqs {
				g, err := cl.UpdateGrid(ctx, r)
				if err != nil {
					return fmt.Errorf("row %d (%s): %w", i+2, r.GetGrid().GetName(), err)
				}
				out.Grids = append(out.Grids, g)
			}
			return a.emit(cmd, out, func(w io.Writer) { row(w, "grids updated", len(out.Grids)) })
		},
	}
	c.Flags().StringVar(&kind, "kind", "police", "police or community")
	return c
}

func readAssignments(path string, k gridwatchv1.GridKind) ([]*gridwatchv1.UpdateGridRequest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) < 2 || len(recs[0]) == 0 || strings.TrimSpace(recs[0][0]) != "grid" {
		return nil, fmt.Errorf("%s: want a header starting with \"grid\" and at least one row", path)
	}
	var reqs []*gridwatchv1.UpdateGridRequest
	for _, rec := range recs[1:] {
		r, err := assignment(recs[0], rec, k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		reqs = append(reqs, r)
	}
	return reqs, nil
}

func assignment(header, rec []string, k gridwatchv1.GridKind) (*gridwatchv1.UpdateGridRequest, error) {
	g := &gridwatchv1.Grid{Name: resourceName(kindCollection(k), strings.TrimSpace(rec[0])),
		Officer: &gridwatchv1.Person{}, TeamLeader: &gridwatchv1.Person{}, DeputyChief: &gridwatchv1.Person{}}
	paths := map[string]bool{}
	for i, col := range header[1:] {
		col = strings.TrimSpace(col)
		field, ok := assignColumns[col]
		if !ok {
			return nil, fmt.Errorf("unknown column %q", col)
		}
		paths[field] = true
		setAssigned(g, col, strings.TrimSpace(rec[i+1]))
	}
	mask := &fieldmaskpb.FieldMask{}
	for p := range paths {
		mask.Paths = append(mask.Paths, p)
	}
	return &gridwatchv1.UpdateGridRequest{Grid: g, UpdateMask: mask}, nil
}

func setAssigned(g *gridwatchv1.Grid, col, v string) {
	switch col {
	case "unit":
		if v != "" {
			g.Unit = resourceName("units/", v)
		}
	case "display_name":
		g.DisplayName = v
	case "officer_id":
		g.Officer.Id = v
	case "officer_name":
		g.Officer.DisplayName = v
	case "team_leader_id":
		g.TeamLeader.Id = v
	case "team_leader_name":
		g.TeamLeader.DisplayName = v
	case "deputy_chief_id":
		g.DeputyChief.Id = v
	case "deputy_chief_name":
		g.DeputyChief.DisplayName = v
	}
}
