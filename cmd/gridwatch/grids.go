package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
)

func (a *app) gridsCmd() *cobra.Command {
	c := &cobra.Command{Use: "grids", Short: "Police and community grids"}
	c.AddCommand(a.gridsImportCmd(), a.gridsListCmd(), a.gridsGetCmd(), a.gridsLocateCmd(), a.gridsAssignCmd())
	return c
}

func (a *app) gridsImportCmd() *cobra.Command {
	var kind, datum, unit string
	var res int32
	var validate bool
	c := &cobra.Command{
		Use:   "import FILE.geojson",
		Short: "Import grids from a GeoJSON FeatureCollection (all or nothing; same IDs are replaced)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := &gridwatchv1.ImportGridsRequest{Resolution: res, DefaultUnit: unit, ValidateOnly: validate}
			var err error
			if req.Kind, err = parseKind(kind); err != nil {
				return err
			}
			if req.Datum, err = parseDatum(datum); err != nil {
				return err
			}
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			req.Geojson = string(b)
			return unary(a, cmd, a.grids, func(ctx context.Context, cl gridwatchv1.GridServiceClient) (*gridwatchv1.ImportGridsResponse, error) {
				return cl.ImportGrids(ctx, req)
			}, importTable)
		},
	}
	c.Flags().StringVar(&kind, "kind", "", "police or community (required)")
	c.Flags().StringVar(&datum, "datum", "wgs84", "datum of the file's coordinates: wgs84, gcj02 or bd09")
	c.Flags().Int32Var(&res, "resolution", 0, "H3 resolution 7 to 10 (default: the server's, 9)")
	c.Flags().StringVar(&unit, "unit", "", "unit ID for features without a unit property")
	c.Flags().BoolVar(&validate, "validate-only", false, "check and report, store nothing")
	_ = c.MarkFlagRequired("kind")
	return c
}

func importTable(w io.Writer, r *gridwatchv1.ImportGridsResponse) {
	row(w, "grids", r.GetGridCount())
	row(w, "cells", r.GetCellCount())
	row(w, "resolution", r.GetResolution())
	row(w, "replaced", len(r.GetReplacedGrids()))
	row(w, "overlap cells", r.GetOverlapCellCount())
	for _, o := range r.GetOverlaps() {
		row(w, "  overlap", fmt.Sprint(o.GetGrids()), o.GetCellCount(), o.GetSampleCell())
	}
	row(w, "gap cells", r.GetGapCellCount())
	for _, g := range r.GetGaps() {
		row(w, "  gap", fmt.Sprint(g.GetGrids()), g.GetCellCount(), g.GetSampleCell())
	}
}

func (a *app) gridsListCmd() *cobra.Command {
	var kind string
	c := &cobra.Command{
		Use:   "list",
		Short: "List the grids of a kind",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := parseKind(kind)
			if err != nil {
				return err
			}
			cl, err := a.grids()
			if err != nil {
				return err
			}
			all := &gridwatchv1.ListGridsResponse{}
			ctx, cancel := a.call(cmd)
			defer cancel()
			err = listAll(ctx, func(ctx context.Context, tok string) (string, error) {
				r, err := cl.ListGrids(ctx, &gridwatchv1.ListGridsRequest{Kind: k, PageSize: 1000, PageToken: tok})
				all.Grids = append(all.Grids, r.GetGrids()...)
				return r.GetNextPageToken(), err
			})
			if err != nil {
				return err
			}
			return a.emit(cmd, all, func(w io.Writer) {
				row(w, "NAME", "DISPLAY NAME", "UNIT", "CELLS", "KM²", "OFFICER")
				for _, g := range all.GetGrids() {
					row(w, g.GetName(), g.GetDisplayName(), orDash(g.GetUnit()), g.GetCellCount(),
						strconv.FormatFloat(g.GetAreaKm2(), 'f', 1, 64), person(g.GetOfficer()))
				}
			})
		},
	}
	c.Flags().StringVar(&kind, "kind", "police", "police or community")
	return c
}

func (a *app) gridsGetCmd() *cobra.Command {
	var kind string
	c := &cobra.Command{
		Use:   "get ID",
		Short: "Show one grid",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := parseKind(kind)
			if err != nil {
				return err
			}
			req := &gridwatchv1.GetGridRequest{Name: resourceName(kindCollection(k), args[0])}
			return unary(a, cmd, a.grids, func(ctx context.Context, cl gridwatchv1.GridServiceClient) (*gridwatchv1.Grid, error) {
				return cl.GetGrid(ctx, req)
			}, gridTable)
		},
	}
	c.Flags().StringVar(&kind, "kind", "police", "police or community")
	return c
}

func gridTable(w io.Writer, g *gridwatchv1.Grid) {
	row(w, "name", g.GetName())
	row(w, "display name", g.GetDisplayName())
	row(w, "unit", orDash(g.GetUnit()))
	row(w, "officer", person(g.GetOfficer()))
	row(w, "team leader", person(g.GetTeamLeader()))
	row(w, "deputy chief", person(g.GetDeputyChief()))
	row(w, "resolution", g.GetResolution())
	row(w, "cells", g.GetCellCount())
	row(w, "area km²", strconv.FormatFloat(g.GetAreaKm2(), 'f', 1, 64))
}
