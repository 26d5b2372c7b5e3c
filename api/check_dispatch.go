package api

import (
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/geo"
)

// checkCreateIncidentRequest returns the incident to create, its position
// converted to WGS-84. An output-only field set in the incident is
// rejected, not ignored. The domain checks the rest (category, severity,
// lengths, source) and names the field.
func checkCreateIncidentRequest(req *gridwatchv1.CreateIncidentRequest) (dispatch.NewIncident, error) {
	inc := req.GetIncident()
	if inc == nil {
		return dispatch.NewIncident{}, invalid("incident", "required")
	}
	if err := checkOutputOnly("incident", inc, incidentInputFields); err != nil {
		return dispatch.NewIncident{}, err
	}
	if err := checkEnum("datum", req.GetDatum(), gridwatchv1.Datum_name); err != nil {
		return dispatch.NewIncident{}, err
	}
	if err := checkEnum("incident.source", inc.GetSource(), gridwatchv1.IncidentSource_name); err != nil {
		return dispatch.NewIncident{}, err
	}
	if inc.GetSource() == gridwatchv1.IncidentSource_INCIDENT_SOURCE_UNSPECIFIED {
		return dispatch.NewIncident{}, invalid("incident.source", "required")
	}
	p, err := checkLatLng("incident.position", inc.GetPosition())
	if err != nil {
		return dispatch.NewIncident{}, err
	}
	return dispatch.NewIncident{
		RequestID: req.GetRequestId(), Category: inc.GetCategory(), Severity: int(inc.GetSeverity()),
		Position: geo.ToWGS84(datumFromProto(req.GetDatum()), p), Address: inc.GetAddress(),
		Description: inc.GetDescription(), Source: dispatch.Source(inc.GetSource()),
		CallerPhone: req.GetCallerPhone(),
	}, nil
}

// checkGetIncidentRequest returns the incident's id.
func checkGetIncidentRequest(req *gridwatchv1.GetIncidentRequest) (string, error) {
	return parseName("name", req.GetName(), incidents)
}

// checkTransitionIncidentRequest returns the incident's id and the state to
// move to, RESOLVED or CLOSED.
func checkTransitionIncidentRequest(req *gridwatchv1.TransitionIncidentRequest) (string, dispatch.State, error) {
	id, err := parseName("name", req.GetName(), incidents)
	if err != nil {
		return "", 0, err
	}
	switch req.GetState() {
	case gridwatchv1.IncidentState_INCIDENT_STATE_RESOLVED, gridwatchv1.IncidentState_INCIDENT_STATE_CLOSED:
		return id, dispatch.State(req.GetState()), nil
	case gridwatchv1.IncidentState_INCIDENT_STATE_UNSPECIFIED:
		return "", 0, invalid("state", "required")
	}
	return "", 0, invalidf("state", "want INCIDENT_STATE_RESOLVED or INCIDENT_STATE_CLOSED, not %s",
		req.GetState())
}

// offerRequest is AcceptOfferRequest and DeclineOfferRequest.
type offerRequest interface {
	GetName() string
	GetResponder() string
}

// checkOfferRequest returns the offer's and the responder's ids.
func checkOfferRequest(req offerRequest) (offer, responder string, err error) {
	if offer, err = parseName("name", req.GetName(), offers); err != nil {
		return "", "", err
	}
	responder, err = parseName("responder", req.GetResponder(), responders)
	return offer, responder, err
}

// checkIncidentResponder returns the incident's and the responder's ids of
// a WithdrawAssignment or AssignResponder request.
func checkIncidentResponder(incident, responder string) (string, string, error) {
	id, err := parseName("incident", incident, incidents)
	if err != nil {
		return "", "", err
	}
	r, err := parseName("responder", responder, responders)
	return id, r, err
}

// checkRecordArrivalRequest returns the incident's and the responder's
// ids and the arrival time (zero: now) of a RecordArrival request.
func checkRecordArrivalRequest(req *gridwatchv1.RecordArrivalRequest) (id, responder string, at time.Time, err error) {
	if id, responder, err = checkIncidentResponder(req.GetIncident(), req.GetResponder()); err != nil {
		return "", "", time.Time{}, err
	}
	if ts := req.GetArriveTime(); ts != nil {
		if err := ts.CheckValid(); err != nil {
			return "", "", time.Time{}, invalid("arrive_time", err.Error())
		}
		at = ts.AsTime()
	}
	return id, responder, at, nil
}

// checkWatchIncidentsRequest returns the cells to filter on, nil for all.
func checkWatchIncidentsRequest(req *gridwatchv1.WatchIncidentsRequest) (watchArea, error) {
	cells, err := checkCells("cells", req.GetCells())
	if err != nil {
		return watchArea{}, err
	}
	a := watchArea{cells: dispatch.IncidentQuery{Cells: cells}.Filter()}
	grids, err := checkWatchGrids(req.GetGrids())
	if err != nil {
		return watchArea{}, err
	}
	if len(grids) > 0 {
		a.grids = grids
	}
	return a, nil
}
