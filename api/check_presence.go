package api

import (
	"math"
	"strconv"
	"strings"
	"time"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

// Limits of PresenceService requests.
const (
	// MaxBatchReports caps the reports of one BatchReportLocations call.
	MaxBatchReports = 10_000
)

// responderPrefix starts every responder's resource name.
const responderPrefix = responders + "/"

// checkResponder returns the id of a responder's resource name. It is
// parseName without allocating for a good name, for the update path.
func checkResponder(field, name string) (string, error) {
	id, ok := strings.CutPrefix(name, responderPrefix)
	if !ok || grid.CheckID(field, id) != nil {
		return parseName(field, name, responders)
	}
	return id, nil
}

// checkStartShiftRequest returns the id of the responder.
func checkStartShiftRequest(req *gridwatchv1.StartShiftRequest) (string, error) {
	return checkResponder("responder", req.GetResponder())
}

// checkEndShiftRequest returns the id of the responder.
func checkEndShiftRequest(req *gridwatchv1.EndShiftRequest) (string, error) {
	return checkResponder("responder", req.GetResponder())
}

// checkSetResponderStatusRequest returns the responder and the status,
// AVAILABLE or BUSY.
func checkSetResponderStatusRequest(req *gridwatchv1.SetResponderStatusRequest) (string, presence.Status, error) {
	id, err := checkResponder("responder", req.GetResponder())
	if err != nil {
		return "", 0, err
	}
	switch req.GetStatus() {
	case gridwatchv1.ResponderStatus_RESPONDER_STATUS_AVAILABLE:
		return id, presence.Available, nil
	case gridwatchv1.ResponderStatus_RESPONDER_STATUS_BUSY:
		return id, presence.Busy, nil
	case gridwatchv1.ResponderStatus_RESPONDER_STATUS_UNSPECIFIED:
		return "", 0, invalid("status", "required")
	}
	return "", 0, invalidf("status", "%v: want RESPONDER_STATUS_AVAILABLE or RESPONDER_STATUS_BUSY (EndShift ends a shift)",
		req.GetStatus())
}

// checkReport returns the domain's update of one responder's report. Its
// errors name fields from the request: "responder", "update.position"…;
// prefixField places them in a batch.
func checkReport(responder string, u *gridwatchv1.LocationUpdate) (presence.Update, error) {
	id, err := checkResponder("responder", responder)
	if err != nil {
		return presence.Update{}, err
	}
	if u == nil {
		return presence.Update{}, invalid("update", "required")
	}
	if err := checkEnum("update.datum", u.GetDatum(), gridwatchv1.Datum_name); err != nil {
		return presence.Update{}, err
	}
	p, err := checkPosition("update.position", u.GetPosition())
	if err != nil {
		return presence.Update{}, err
	}
	acc := u.GetAccuracyM()
	if math.IsNaN(acc) || math.IsInf(acc, 0) || acc < 0 {
		return presence.Update{}, invalidf("update.accuracy_m", "%g: want a finite number ≥ 0", acc)
	}
	fix, err := checkFixTime("update.fix_time", u)
	if err != nil {
		return presence.Update{}, err
	}
	return presence.Update{
		ResponderID: id,
		Position:    geo.ToWGS84(datumFromProto(u.GetDatum()), p),
		AccuracyM:   acc,
		FixTime:     fix,
	}, nil
}

// checkPosition is checkLatLng without building field names for a good
// position.
func checkPosition(field string, p *gridwatchv1.LatLng) (geo.LatLng, error) {
	lat, lng := p.GetLatitude(), p.GetLongitude()
	if p != nil && lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180 { // false for NaN
		return geo.LatLng{Lat: lat, Lng: lng}, nil
	}
	return checkLatLng(field, p)
}

// checkFixTime returns the fix time of u, required and valid. The domain
// rejects one too far in the future.
func checkFixTime(field string, u *gridwatchv1.LocationUpdate) (time.Time, error) {
	ts := u.GetFixTime()
	if ts == nil {
		return time.Time{}, invalid(field, "required")
	}
	if err := ts.CheckValid(); err != nil {
		return time.Time{}, invalid(field, err.Error())
	}
	return ts.AsTime(), nil
}

// checkBatchReportLocationsRequest checks the size of the batch; the
// reports are checked one by one, so that a bad one rejects only itself.
func checkBatchReportLocationsRequest(req *gridwatchv1.BatchReportLocationsRequest) error {
	switch n := len(req.GetReports()); {
	case n == 0:
		return invalid("reports", "required")
	case n > MaxBatchReports:
		return invalidf("reports", "%d reports; at most %d per call", n, MaxBatchReports)
	}
	return nil
}

// checkFindRespondersRequest returns the domain's query.
func checkFindRespondersRequest(req *gridwatchv1.FindRespondersRequest) (presence.Query, error) {
	if err := checkEnum("datum", req.GetDatum(), gridwatchv1.Datum_name); err != nil {
		return presence.Query{}, err
	}
	p, err := checkLatLng("point", req.GetPoint())
	if err != nil {
		return presence.Query{}, err
	}
	q := presence.Query{Point: geo.ToWGS84(datumFromProto(req.GetDatum()), p), Limit: int(req.GetLimitPerCircle())}
	for i, k := range req.GetKinds() {
		if _, ok := gridwatchv1.ResponderKind_name[int32(k)]; !ok || k == gridwatchv1.ResponderKind_RESPONDER_KIND_UNSPECIFIED {
			return presence.Query{}, invalidf(indexField("kinds", i), "%v is not a responder kind", k)
		}
		q.Kinds = append(q.Kinds, responderKinds.fromProto(k))
	}
	if l := req.GetLimitPerCircle(); l < 0 || l > presence.MaxLimit {
		return presence.Query{}, invalidf("limit_per_circle", "%d outside 0..%d (0 for the server's default)", l, presence.MaxLimit)
	}
	return q, nil
}

// checkGetOwnGridTimeRequest returns the responder and the day, "" for
// today.
func checkGetOwnGridTimeRequest(req *gridwatchv1.GetOwnGridTimeRequest) (string, string, error) {
	id, err := checkResponder("responder", req.GetResponder())
	if err != nil {
		return "", "", err
	}
	day := req.GetDay()
	if day == "" {
		return id, "", nil
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return "", "", invalidf("day", "%s is not a date YYYY-MM-DD", clip(day))
	}
	return id, day, nil
}

// indexField returns "field[i]".
func indexField(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}
