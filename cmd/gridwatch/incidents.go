package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// dispatch returns a DispatchService client.
func (a *app) dispatch() (gridwatchv1.DispatchServiceClient, error) {
	conn, err := a.dial()
	if err != nil {
		return nil, err
	}
	return gridwatchv1.NewDispatchServiceClient(conn), nil
}

// incidentsCmd is the "incidents" command of DispatchService.
func (a *app) incidentsCmd() *cobra.Command {
	c := &cobra.Command{Use: "incidents", Short: "Create, list, inspect, cancel and watch incidents"}
	c.AddCommand(a.createIncidentCmd(), a.getIncidentCmd(), a.listIncidentsCmd(), a.cancelIncidentCmd(),
		a.transitionCmd("resolve", gridwatchv1.IncidentState_INCIDENT_STATE_RESOLVED),
		a.transitionCmd("close", gridwatchv1.IncidentState_INCIDENT_STATE_CLOSED), a.watchIncidentsCmd())
	return c
}

func (a *app) createIncidentCmd() *cobra.Command {
	var lat, lng float64
	var datum, source string
	req := &gridwatchv1.CreateIncidentRequest{Incident: &gridwatchv1.Incident{}}
	c := &cobra.Command{
		Use:   "create --lat LAT --lng LNG --category CAT --severity N",
		Short: "Create an incident and start its dispatch",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if req.Datum, err = parseDatum(datum); err != nil {
				return err
			}
			if req.Incident.Source, err = parseSource(source); err != nil {
				return err
			}
			req.Incident.Position = &gridwatchv1.LatLng{Latitude: lat, Longitude: lng}
			return a.incidentCall(cmd, func(cl gridwatchv1.DispatchServiceClient, ctx context.Context) (*gridwatchv1.Incident, error) {
				return cl.CreateIncident(ctx, req)
			})
		},
	}
	f := c.Flags()
	f.Float64Var(&lat, "lat", 0, "latitude of the incident")
	f.Float64Var(&lng, "lng", 0, "longitude of the incident")
	f.StringVar(&datum, "datum", "wgs84", "datum of --lat --lng: wgs84, gcj02 or bd09")
	f.StringVar(&req.Incident.Category, "category", "", "category, e.g. dispute, noise, theft")
	f.Int32Var(&req.Incident.Severity, "severity", 0, "severity, 1 (minor) to 5 (life at risk)")
	f.StringVar(&req.Incident.Address, "address", "", "street address")
	f.StringVar(&req.Incident.Description, "description", "", "free text")
	f.StringVar(&source, "source", "console", "source: call_110, console, volunteer or patrol")
	f.StringVar(&req.RequestId, "request-id", "", "idempotency key: a retry with the same id returns the same incident")
	f.StringVar(&req.CallerPhone, "caller-phone", "", "caller's phone number (stored only as a keyed hash)")
	for _, name := range []string{"lat", "lng", "category", "severity"} {
		_ = c.MarkFlagRequired(name)
	}
	return c
}

func (a *app) getIncidentCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "get ID",
		Short: "Show an incident with its slots, offers, assignments and timeline",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.incidentCall(cmd, func(cl gridwatchv1.DispatchServiceClient, ctx context.Context) (*gridwatchv1.Incident, error) {
				return cl.GetIncident(ctx, &gridwatchv1.GetIncidentRequest{Name: resourceName("incidents/", args[0])})
			})
		},
	}
}

func (a *app) cancelIncidentCmd() *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "cancel ID",
		Short: "Cancel an incident, releasing its responders",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.incidentCall(cmd, func(cl gridwatchv1.DispatchServiceClient, ctx context.Context) (*gridwatchv1.Incident, error) {
				return cl.CancelIncident(ctx, &gridwatchv1.CancelIncidentRequest{
					Name: resourceName("incidents/", args[0]), Reason: reason})
			})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why, recorded in the timeline")
	return c
}

// transitionCmd is "resolve" or "close": TransitionIncident to state.
func (a *app) transitionCmd(verb string, state gridwatchv1.IncidentState) *cobra.Command {
	var note string
	c := &cobra.Command{
		Use:   verb + " ID",
		Short: strings.ToUpper(verb[:1]) + verb[1:] + " an incident",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.incidentCall(cmd, func(cl gridwatchv1.DispatchServiceClient, ctx context.Context) (*gridwatchv1.Incident, error) {
				return cl.TransitionIncident(ctx, &gridwatchv1.TransitionIncidentRequest{
					Name: resourceName("incidents/", args[0]), State: state, Note: note})
			})
		},
	}
	c.Flags().StringVar(&note, "note", "", "a note recorded in the timeline")
	return c
}

// incidentCall runs one call returning an incident and prints it.
func (a *app) incidentCall(cmd *cobra.Command, call func(gridwatchv1.DispatchServiceClient, context.Context) (*gridwatchv1.Incident, error)) error {
	return unary(a, cmd, a.dispatch, func(ctx context.Context, cl gridwatchv1.DispatchServiceClient) (*gridwatchv1.Incident, error) {
		return call(cl, ctx)
	}, incidentTable)
}

// parseSource returns the IncidentSource named s (call_110, console, ...).
func parseSource(s string) (gridwatchv1.IncidentSource, error) {
	v, ok := gridwatchv1.IncidentSource_value["INCIDENT_SOURCE_"+strings.ToUpper(s)]
	if !ok || v == 0 {
		return 0, fmt.Errorf("--source %q: want call_110, console, volunteer or patrol", s)
	}
	return gridwatchv1.IncidentSource(v), nil
}

// incidentTable prints an incident and its timeline.
func incidentTable(w io.Writer, inc *gridwatchv1.Incident) {
	row(w, "NAME", "STATE", "CATEGORY", "SEVERITY", "LAT", "LNG", "CELL", "ADDRESS")
	p := inc.GetPosition()
	row(w, inc.GetName(), enumName(inc.GetState().String(), "INCIDENT_STATE_"), inc.GetCategory(),
		inc.GetSeverity(), p.GetLatitude(), p.GetLongitude(), inc.GetCell(), orDash(inc.GetAddress()))
	row(w)
	row(w, "SLOT", "CIRCLE", "STATE", "ASSIGNEE")
	for _, s := range inc.GetSlots() {
		row(w, s.GetIndex(), s.GetCircle(), enumName(s.GetState().String(), "SLOT_STATE_"), orDash(s.GetAssignee()))
	}
	row(w)
	row(w, "SEQ", "TIME", "EVENT", "ACTOR", "RESPONDER", "OFFER")
	for _, e := range inc.GetTimeline() {
		eventRow(w, e)
	}
}

// eventRow prints one timeline event.
func eventRow(w io.Writer, e *gridwatchv1.IncidentEvent) {
	what := enumName(e.GetType().String(), "INCIDENT_EVENT_TYPE_")
	if e.GetType() == gridwatchv1.IncidentEventType_INCIDENT_EVENT_TYPE_TRANSITION {
		what += " → " + enumName(e.GetToState().String(), "INCIDENT_STATE_")
	}
	row(w, e.GetSequence(), e.GetEventTime().AsTime().Local().Format(time.TimeOnly), what,
		e.GetActor(), orDash(e.GetResponder()), orDash(e.GetOffer()))
}

// isEnd reports whether err merely ends a watch: the user interrupted.
func isEnd(err error) bool {
	return errors.Is(err, io.EOF) || status.Code(err) == codes.Canceled
}
