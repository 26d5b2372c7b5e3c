package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
)

// nearestJSON is "responders nearest -o json": the circles with responders
// named by id and kinds spelled as the CLI spells them.
type nearestJSON struct {
	Circles []circleJSON `json:"circles"`
}

type circleJSON struct {
	MaxETASeconds int32        `json:"max_eta_seconds"`
	Responders    []rankedJSON `json:"responders"`
}

type rankedJSON struct {
	ID         string      `json:"id"`
	Kind       string      `json:"kind"`
	TravelMode string      `json:"travel_mode"`
	ETASeconds float64     `json:"eta_seconds"`
	DistanceM  float64     `json:"distance_m"`
	Cell       string      `json:"cell"`
	Position   *latLngJSON `json:"position,omitempty"` // dispatchers only
}

type latLngJSON struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// nearestFromProto converts the response for JSON output.
func nearestFromProto(r *gridwatchv1.FindRespondersResponse) nearestJSON {
	out := nearestJSON{Circles: make([]circleJSON, 0, len(r.GetCircles()))}
	for _, c := range r.GetCircles() {
		cj := circleJSON{MaxETASeconds: c.GetMaxEtaSeconds(), Responders: make([]rankedJSON, 0, len(c.GetResponders()))}
		for _, x := range c.GetResponders() {
			rj := rankedJSON{
				ID:         strings.TrimPrefix(x.GetResponder(), "responders/"),
				Kind:       enumName(x.GetKind().String(), "RESPONDER_KIND_"),
				TravelMode: enumName(x.GetTravelMode().String(), "TRAVEL_MODE_"),
				ETASeconds: x.GetEtaSeconds(),
				DistanceM:  x.GetDistanceM(),
				Cell:       x.GetCell(),
			}
			if p := x.GetPosition(); p != nil {
				rj.Position = &latLngJSON{Latitude: p.GetLatitude(), Longitude: p.GetLongitude()}
			}
			cj.Responders = append(cj.Responders, rj)
		}
		out.Circles = append(out.Circles, cj)
	}
	return out
}

// emitValue prints v with encoding/json under -o json, else calls table.
func (a *app) emitValue(cmd *cobra.Command, v any, table func(w io.Writer)) error {
	if a.output != "json" {
		return a.emit(cmd, nil, table)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", b)
	return err
}

// parseResponderKind reads a kind as the CLI spells it (watch_volunteer).
func parseResponderKind(s string) (gridwatchv1.ResponderKind, error) {
	v, ok := gridwatchv1.ResponderKind_value["RESPONDER_KIND_"+strings.ToUpper(strings.TrimSpace(s))]
	if !ok || v == 0 {
		return 0, fmt.Errorf("kind %q: want community_officer, patrol_officer, watch_post_staff, "+
			"watch_volunteer, safety_volunteer, security_guard or reinforcement", s)
	}
	return gridwatchv1.ResponderKind(v), nil
}

func (a *app) nearestCmd() *cobra.Command {
	var datum string
	var kinds []string
	var limit int32
	c := &cobra.Command{
		Use:   "nearest LAT LNG",
		Short: "The available responders within 1, 3 and 5 minutes of a point, ranked by ETA",
		Long: "Lists the three disjoint response circles (ETA ≤ 60 s, 60–180 s, 180–300 s), each\n" +
			"ranked by ETA. Positions and resolution-8 cells are shown to dispatchers only (the role of --token).",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := &gridwatchv1.FindRespondersRequest{LimitPerCircle: limit}
			var err error
			if req.Point, err = parseLatLng(args[0], args[1]); err != nil {
				return err
			}
			if req.Datum, err = parseDatum(datum); err != nil {
				return err
			}
			for _, k := range kinds {
				pk, err := parseResponderKind(k)
				if err != nil {
					return fmt.Errorf("--%w", err)
				}
				req.Kinds = append(req.Kinds, pk)
			}
			cl, err := a.presence()
			if err != nil {
				return err
			}
			ctx, cancel := a.call(cmd)
			defer cancel()
			resp, err := cl.FindResponders(ctx, req)
			if err != nil {
				return err
			}
			out := nearestFromProto(resp)
			return a.emitValue(cmd, out, func(w io.Writer) { nearestTable(w, out) })
		},
	}
	c.Flags().StringVar(&datum, "datum", "wgs84", "datum of LAT LNG: wgs84, gcj02 or bd09")
	c.Flags().StringArrayVar(&kinds, "kind", nil, "only responders of this kind (repeatable), e.g. watch_volunteer")
	c.Flags().Int32Var(&limit, "limit", 0, "most responders per circle, at most 100 (default: the server's, 10)")
	return c
}

func nearestTable(w io.Writer, n nearestJSON) {
	row(w, "CIRCLE", "RANK", "ID", "KIND", "MODE", "ETA", "DISTANCE", "CELL", "POSITION")
	for _, c := range n.Circles {
		if len(c.Responders) == 0 {
			row(w, fmt.Sprintf("≤%ds", c.MaxETASeconds), "-", "-", "-", "-", "-", "-", "-", "-")
		}
		for i, r := range c.Responders {
			pos := "-"
			if r.Position != nil {
				pos = fmt.Sprintf("%.6f,%.6f", r.Position.Latitude, r.Position.Longitude)
			}
			row(w, fmt.Sprintf("≤%ds", c.MaxETASeconds), i+1, r.ID, r.Kind, r.TravelMode,
				fmt.Sprintf("%.0fs", r.ETASeconds), fmt.Sprintf("%.0fm", r.DistanceM), r.Cell, pos)
		}
	}
}
