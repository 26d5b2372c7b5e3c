package main

import (
	"fmt"
	"io"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
)

// watchEvent is a message of either Watch stream.
type watchEvent interface {
	proto.Message
	GetEvent() *gridwatchv1.IncidentEvent
	GetIncident() *gridwatchv1.Incident
}

func (a *app) watchIncidentsCmd() *cobra.Command {
	var cells []string
	var responder string
	c := &cobra.Command{
		Use:   "watch",
		Short: "Print incident events as they happen, until interrupted",
		Long: "Print incident events as they happen: every incident's (the console's view, " +
			"optionally only inside --cell), or with --responder the offers of one responder " +
			"(the phone's view). -o json prints one JSON object per line.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cl, err := a.dispatch()
			if err != nil {
				return err
			}
			ctx := a.withCredentials(cmd.Context()) // no deadline: it runs until interrupted
			if responder != "" {
				st, err := cl.WatchOffers(ctx, &gridwatchv1.WatchOffersRequest{Responder: resourceName("responders/", responder)})
				if err != nil {
					return err
				}
				return a.printEvents(cmd.OutOrStdout(), func() (watchEvent, error) { return st.Recv() })
			}
			st, err := cl.WatchIncidents(ctx, &gridwatchv1.WatchIncidentsRequest{Cells: cells})
			if err != nil {
				return err
			}
			return a.printEvents(cmd.OutOrStdout(), func() (watchEvent, error) { return st.Recv() })
		},
	}
	c.Flags().StringArrayVar(&cells, "cell", nil, "only incidents inside this H3 cell (hex, resolution 0 to 9; repeatable)")
	c.Flags().StringVar(&responder, "responder", "", "watch this responder's offers instead")
	return c
}

// printEvents prints each event recv returns, one line each, until the
// stream ends; an interrupt is a clean end.
func (a *app) printEvents(out io.Writer, recv func() (watchEvent, error)) error {
	for {
		m, err := recv()
		if isEnd(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if a.output == "json" {
			b, err := jsonOut.Marshal(m)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(out, "%s\n", b)
			if err != nil {
				return err
			}
			continue
		}
		e, inc := m.GetEvent(), m.GetIncident()
		fmt.Fprintf(out, "%s  %s  #%d  %s  state=%s  responder=%s  offer=%s\n",
			e.GetEventTime().AsTime().Local().Format("15:04:05"), inc.GetName(), e.GetSequence(),
			enumName(e.GetType().String(), "INCIDENT_EVENT_TYPE_"),
			enumName(inc.GetState().String(), "INCIDENT_STATE_"), orDash(e.GetResponder()), orDash(e.GetOffer()))
	}
}
