package main

import (
	"context"
	"io"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
)

// upload is what every file import sends.
type upload struct {
	data     string
	format   gridwatchv1.ImportFormat
	datum    gridwatchv1.Datum
	validate bool
}

// importer calls one Import RPC and returns its response and count.
type importer func(ctx context.Context, a *app, up upload) (proto.Message, int32, error)

// importCmd builds "import FILE" for units, posts, compounds or responders.
func (a *app) importCmd(what string, withDatum bool, do importer) *cobra.Command {
	var datum string
	var validate bool
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "Import " + what + " from a file (all or nothing; same IDs are replaced)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			up := upload{validate: validate}
			var err error
			if up.data, up.format, err = readUpload(args[0]); err != nil {
				return err
			}
			if up.datum, err = parseDatum(datum); err != nil {
				return err
			}
			ctx, cancel := a.call(cmd)
			defer cancel()
			resp, n, err := do(ctx, a, up)
			if err != nil {
				return err
			}
			return a.emit(cmd, resp, func(w io.Writer) { row(w, what, n) })
		},
	}
	if withDatum {
		c.Flags().StringVar(&datum, "datum", "wgs84", "datum of the file's coordinates: wgs84, gcj02 or bd09")
	}
	c.Flags().BoolVar(&validate, "validate-only", false, "check the file, store nothing")
	return c
}

// pager fetches one page; it returns the page's token for the next.
type pager func(ctx context.Context, token string) (next string, err error)

// listAll calls fetch until the pages run out.
func listAll(ctx context.Context, fetch pager) error {
	token := ""
	for {
		next, err := fetch(ctx, token)
		if err != nil || next == "" {
			return err
		}
		token = next
	}
}

// listCmd builds a "list" command that pages through everything and then
// prints it.
func (a *app) listCmd(short string, fetch func(cmd *cobra.Command) (proto.Message, func(io.Writer), error)) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, table, err := fetch(cmd)
			if err != nil {
				return err
			}
			return a.emit(cmd, m, table)
		},
	}
}
