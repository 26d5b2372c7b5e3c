package main

import (
	"context"
	"io"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
)

func (a *app) unitsCmd() *cobra.Command {
	c := &cobra.Command{Use: "units", Short: "The unit hierarchy: city, district bureaus, police stations"}
	c.AddCommand(a.importCmd("units", false, func(ctx context.Context, a *app, up upload) (proto.Message, int32, error) {
		cl, err := a.grids()
		if err != nil {
			return nil, 0, err
		}
		r, err := cl.ImportUnits(ctx, &gridwatchv1.ImportUnitsRequest{Format: up.format, Data: up.data, ValidateOnly: up.validate})
		return r, r.GetUnitCount(), err
	}), a.listCmd("List units", a.listUnits))
	return c
}

func (a *app) listUnits(cmd *cobra.Command) (proto.Message, func(io.Writer), error) {
	cl, err := a.grids()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := a.call(cmd)
	defer cancel()
	all := &gridwatchv1.ListUnitsResponse{}
	err = listAll(ctx, func(ctx context.Context, tok string) (string, error) {
		r, err := cl.ListUnits(ctx, &gridwatchv1.ListUnitsRequest{PageSize: 1000, PageToken: tok})
		all.Units = append(all.Units, r.GetUnits()...)
		return r.GetNextPageToken(), err
	})
	return all, func(w io.Writer) {
		row(w, "NAME", "TYPE", "DISPLAY NAME", "PARENT", "HEAD")
		for _, u := range all.GetUnits() {
			typ := enumName(u.GetType().String(), "UNIT_TYPE_")
			row(w, u.GetName(), typ, u.GetDisplayName(), orDash(u.GetParent()), person(u.GetHead()))
		}
	}, err
}
