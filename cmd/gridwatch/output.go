package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// jsonOut renders messages for scripts: proto field names, zeros included,
// one object on one line.
var jsonOut = protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}

// emit prints m as JSON with -o json, else calls table.
func (a *app) emit(cmd *cobra.Command, m proto.Message, table func(w io.Writer)) error {
	out := cmd.OutOrStdout()
	if a.output == "json" {
		b, err := jsonOut.Marshal(m)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "%s\n", b)
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	table(tw)
	return tw.Flush()
}

// row writes tab-separated cells.
func row(w io.Writer, cells ...any) {
	s := make([]string, len(cells))
	for i, c := range cells {
		s[i] = fmt.Sprint(c)
	}
	fmt.Fprintln(w, strings.Join(s, "\t"))
}

func person(p *gridwatchv1.Person) string {
	switch {
	case p == nil || (p.GetId() == "" && p.GetDisplayName() == ""):
		return "-"
	case p.GetDisplayName() == "":
		return p.GetId()
	case p.GetId() == "":
		return p.GetDisplayName()
	}
	return fmt.Sprintf("%s (%s)", p.GetDisplayName(), p.GetId())
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
