package main

import (
	"context"
	"io"
	"strings"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
)

func (a *app) postsCmd() *cobra.Command {
	c := &cobra.Command{Use: "posts", Short: "Watch posts (平安守望岗)"}
	c.AddCommand(a.importCmd("watch posts", true, func(ctx context.Context, a *app, up upload) (proto.Message, int32, error) {
		cl, err := a.roster()
		if err != nil {
			return nil, 0, err
		}
		r, err := cl.ImportWatchPosts(ctx, &gridwatchv1.ImportWatchPostsRequest{Format: up.format, Data: up.data, Datum: up.datum, ValidateOnly: up.validate})
		return r, r.GetWatchPostCount(), err
	}), a.listCmd("List watch posts", a.listPosts))
	return c
}

func (a *app) listPosts(cmd *cobra.Command) (proto.Message, func(io.Writer), error) {
	cl, err := a.roster()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := a.call(cmd)
	defer cancel()
	all := &gridwatchv1.ListWatchPostsResponse{}
	err = listAll(ctx, func(ctx context.Context, tok string) (string, error) {
		r, err := cl.ListWatchPosts(ctx, &gridwatchv1.ListWatchPostsRequest{PageSize: 1000, PageToken: tok})
		all.WatchPosts = append(all.WatchPosts, r.GetWatchPosts()...)
		return r.GetNextPageToken(), err
	})
	return all, func(w io.Writer) {
		row(w, "NAME", "DISPLAY NAME", "CELL", "STAFFED")
		for _, p := range all.GetWatchPosts() {
			row(w, p.GetName(), p.GetDisplayName(), p.GetCell(), orDash(p.GetStaffedHours()))
		}
	}, err
}

func (a *app) compoundsCmd() *cobra.Command {
	c := &cobra.Command{Use: "compounds", Short: "Residential compounds and their watch-volunteer quota"}
	c.AddCommand(a.importCmd("compounds", true, func(ctx context.Context, a *app, up upload) (proto.Message, int32, error) {
		cl, err := a.roster()
		if err != nil {
			return nil, 0, err
		}
		r, err := cl.ImportCompounds(ctx, &gridwatchv1.ImportCompoundsRequest{Format: up.format, Data: up.data, Datum: up.datum, ValidateOnly: up.validate})
		return r, r.GetCompoundCount(), err
	}), a.listCmd("List compounds", a.listCompounds), &cobra.Command{
		Use:   "understaffed",
		Short: "List compounds with fewer than 2 watch volunteers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, table, err := a.listUnderstaffed(cmd)
			if err != nil {
				return err
			}
			return a.emit(cmd, m, table)
		},
	})
	return c
}

func (a *app) listCompounds(cmd *cobra.Command) (proto.Message, func(io.Writer), error) {
	cl, err := a.roster()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := a.call(cmd)
	defer cancel()
	all := &gridwatchv1.ListCompoundsResponse{}
	err = listAll(ctx, func(ctx context.Context, tok string) (string, error) {
		r, err := cl.ListCompounds(ctx, &gridwatchv1.ListCompoundsRequest{PageSize: 1000, PageToken: tok})
		all.Compounds = append(all.Compounds, r.GetCompounds()...)
		return r.GetNextPageToken(), err
	})
	return all, func(w io.Writer) {
		row(w, "NAME", "DISPLAY NAME", "CELL", "HOUSEHOLDS")
		for _, c := range all.GetCompounds() {
			row(w, c.GetName(), c.GetDisplayName(), c.GetCell(), c.GetHouseholds())
		}
	}, err
}

func (a *app) listUnderstaffed(cmd *cobra.Command) (proto.Message, func(io.Writer), error) {
	cl, err := a.roster()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := a.call(cmd)
	defer cancel()
	all := &gridwatchv1.ListUnderstaffedCompoundsResponse{}
	err = listAll(ctx, func(ctx context.Context, tok string) (string, error) {
		r, err := cl.ListUnderstaffedCompounds(ctx, &gridwatchv1.ListUnderstaffedCompoundsRequest{PageSize: 1000, PageToken: tok})
		all.Compounds = append(all.Compounds, r.GetCompounds()...)
		return r.GetNextPageToken(), err
	})
	return all, func(w io.Writer) {
		row(w, "COMPOUND", "DISPLAY NAME", "WATCH VOLUNTEERS", "REQUIRED")
		for _, s := range all.GetCompounds() {
			row(w, s.GetCompound().GetName(), s.GetCompound().GetDisplayName(), s.GetWatchVolunteers(), s.GetRequired())
		}
	}, err
}

func (a *app) respondersCmd() *cobra.Command {
	c := &cobra.Command{Use: "responders", Aliases: []string{"roster"}, Short: "The responder roster, shifts, positions and the nearest responders"}
	c.AddCommand(a.importCmd("responders", false, func(ctx context.Context, a *app, up upload) (proto.Message, int32, error) {
		cl, err := a.roster()
		if err != nil {
			return nil, 0, err
		}
		r, err := cl.ImportResponders(ctx, &gridwatchv1.ImportRespondersRequest{Format: up.format, Data: up.data, ValidateOnly: up.validate})
		return r, r.GetResponderCount(), err
	}), a.listCmd("List the roster", a.listResponders))
	c.AddCommand(a.presenceCmds()...)
	return c
}

func (a *app) listResponders(cmd *cobra.Command) (proto.Message, func(io.Writer), error) {
	cl, err := a.roster()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := a.call(cmd)
	defer cancel()
	all := &gridwatchv1.ListRespondersResponse{}
	err = listAll(ctx, func(ctx context.Context, tok string) (string, error) {
		r, err := cl.ListResponders(ctx, &gridwatchv1.ListRespondersRequest{PageSize: 1000, PageToken: tok})
		all.Responders = append(all.Responders, r.GetResponders()...)
		return r.GetNextPageToken(), err
	})
	return all, func(w io.Writer) {
		row(w, "NAME", "DISPLAY NAME", "KIND", "MODE", "HOME GRID", "COMPOUND", "POST")
		for _, r := range all.GetResponders() {
			row(w, r.GetName(), r.GetDisplayName(), enumName(r.GetKind().String(), "RESPONDER_KIND_"),
				enumName(r.GetTravelMode().String(), "TRAVEL_MODE_"), orDash(r.GetHomeGrid()), orDash(r.GetCompound()), orDash(r.GetWatchPost()))
		}
	}, err
}

// enumName turns RESPONDER_KIND_WATCH_VOLUNTEER into watch_volunteer, the
// CLI's spelling.
func enumName(s, prefix string) string { return strings.ToLower(strings.TrimPrefix(s, prefix)) }
