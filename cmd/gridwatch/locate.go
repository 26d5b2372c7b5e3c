package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
)

func (a *app) gridsLocateCmd() *cobra.Command {
	var datum string
	c := &cobra.Command{
		Use:   "locate LAT LNG",
		Short: "Name the police and community grids of a point and their responsibility chains",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := parseLatLng(args[0], args[1])
			if err != nil {
				return err
			}
			d, err := parseDatum(datum)
			if err != nil {
				return err
			}
			req := &gridwatchv1.LocatePointRequest{Point: p, Datum: d}
			return unary(a, cmd, a.grids, func(ctx context.Context, cl gridwatchv1.GridServiceClient) (*gridwatchv1.LocatePointResponse, error) {
				return cl.LocatePoint(ctx, req)
			}, locateTable)
		},
	}
	c.Flags().StringVar(&datum, "datum", "wgs84", "datum of LAT LNG: wgs84, gcj02 or bd09")
	return c
}

func parseLatLng(lat, lng string) (*gridwatchv1.LatLng, error) {
	la, err := strconv.ParseFloat(lat, 64)
	if err != nil {
		return nil, fmt.Errorf("LAT %q is not a number", lat)
	}
	ln, err := strconv.ParseFloat(lng, 64)
	if err != nil {
		return nil, fmt.Errorf("LNG %q is not a number", lng)
	}
	return &gridwatchv1.LatLng{Latitude: la, Longitude: ln}, nil
}

func locateTable(w io.Writer, r *gridwatchv1.LocatePointResponse) {
	row(w, "cell", r.GetCell())
	for _, side := range []struct {
		label string
		g     *gridwatchv1.Grid
		ch    *gridwatchv1.ResponsibilityChain
	}{{"police grid", r.GetPoliceGrid(), r.GetPoliceChain()}, {"community grid", r.GetCommunityGrid(), r.GetCommunityChain()}} {
		if side.g == nil {
			row(w, side.label, "-")
			continue
		}
		row(w, side.label, fmt.Sprintf("%s (%s)", side.g.GetDisplayName(), side.g.GetName()))
		row(w, "  grid officer", person(side.ch.GetGridOfficer()))
		row(w, "  team leader", person(side.ch.GetTeamLeader()))
		row(w, "  deputy chief", person(side.ch.GetDeputyChief()))
		row(w, "  station chief", person(side.ch.GetStationChief()))
	}
}
