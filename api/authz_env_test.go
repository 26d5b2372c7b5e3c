package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/store/memory"
)

// The authorisation fixture: two districts of the city sy, each with a
// station, a police grid and a community grid. Everything of the district
// hp is "own" to the matrix's principals, everything of hn is foreign.
//
//	hp → hp-st: police grid hp-p, community grid hp-c (scopeGrid), ownPoint
//	hn → hn-st: police grid hn-p, community grid hn-c, farPoint
const authzUnits = `id,type,name,parent,head_id,head_name
hn,district,浑南分局,sy,p6,刘伟
hn-st,station,浑南派出所,hn,p7,陈刚
`

// authzRoster: v-own and o-own are the matrix's volunteer and officer;
// v-other is another volunteer of hp, v-far a volunteer of hn.
const authzRoster = `id,kind,travel_mode,home_grid
v-own,watch_volunteer,walk,hp-p
v-other,watch_volunteer,walk,hp-p
o-own,community_officer,walk,hp-p
v-far,watch_volunteer,walk,hn-p
v-arrive,watch_volunteer,walk,hp-p
`

// authzCompounds: c-own in hp, c-far in hn; both short of volunteers.
const authzCompounds = `id,name,lat,lng,households
c-own,和平小区,41.80,123.41,100
c-far,浑南小区,41.62,123.41,100
`

// The points of the fixture.
var (
	ownPoint = &gridwatchv1.LatLng{Latitude: 41.80, Longitude: 123.41}
	farPoint = &gridwatchv1.LatLng{Latitude: 41.62, Longitude: 123.41}
	// nearOwn is 40 m north of ownPoint, where responders wait.
	nearOwn = &gridwatchv1.LatLng{Latitude: 41.80 + 40/111_195.08, Longitude: 123.41}
)

// authzEnv is a dispatch server holding the fixture.
type authzEnv struct {
	*env
	admin context.Context // the test operator's context
}

// newAuthzEnv starts a server with every service and imports the fixture.
func newAuthzEnv(t *testing.T) *authzEnv {
	t.Helper()
	e := &authzEnv{env: newDispatchEnvAudit(t, dispatch.Policy{}, audit.NewRecorder(memory.NewAudit(), nil)),
		admin: t.Context()}
	steps := []func() error{
		func() error {
			_, err := e.grids.ImportUnits(e.admin, &gridwatchv1.ImportUnitsRequest{Data: testUnits + authzUnits[strings.Index(authzUnits, "\n")+1:]})
			return err
		},
		func() error {
			_, err := e.grids.ImportGrids(e.admin, &gridwatchv1.ImportGridsRequest{Kind: police, Geojson: collection(
				squareLatLng("hp-p", 41.78, 123.38, 0.04, 0.06, `"unit":"hp-st"`),
				squareLatLng("hn-p", 41.60, 123.38, 0.04, 0.06, `"unit":"hn-st"`))})
			return err
		},
		func() error {
			_, err := e.grids.ImportGrids(e.admin, &gridwatchv1.ImportGridsRequest{Kind: community, Geojson: collection(
				squareLatLng("hn-c", 41.58, 123.35, 0.08, 0.15, `"unit":"hn-st"`))})
			return err
		},
		func() error {
			_, err := e.roster.ImportResponders(e.admin, &gridwatchv1.ImportRespondersRequest{Data: authzRoster})
			return err
		},
		func() error {
			_, err := e.roster.ImportCompounds(e.admin, &gridwatchv1.ImportCompoundsRequest{Data: authzCompounds})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("fixture step %d: %v", i, err)
		}
	}
	return e
}

// matrixPrincipal is the matrix's caller of role: the volunteer v-own,
// the officer o-own of grid hp-p, a station chief of hp-st, a dispatcher
// of the district hp (its stations by descent), an admin.
func matrixPrincipal(r Role) auth.Principal {
	switch r {
	case RoleVolunteer:
		return auth.Principal{Subject: "v-own", Role: r}
	case RoleOfficer:
		return auth.Principal{Subject: "o-own", Role: r, Grids: []string{"hp-p"}}
	case RoleStationChief:
		return auth.Principal{Subject: "chief-hp", Role: r, Units: []string{"hp-st"}}
	case RoleDispatcher:
		return auth.Principal{Subject: "disp-hp", Role: r, Units: []string{"hp"}}
	}
	return auth.Principal{Subject: "root", Role: r}
}

// selfOr returns the responder p acts as: its subject for volunteers and
// officers, else v-own (a responder of the caller's units).
func selfOr(p auth.Principal) string {
	if p.Role == RoleVolunteer || p.Role == RoleOfficer {
		return p.Subject
	}
	return "v-own"
}

// strangers are the responders foreign to p: v-far (another district),
// and for responders also v-other (another volunteer of their district).
func strangers(p auth.Principal) []string {
	if p.Role == RoleVolunteer || p.Role == RoleOfficer {
		return []string{"v-far", "v-other"}
	}
	return []string{"v-far"}
}

// ready puts responder id on shift, available, 40 m from ownPoint (or at
// p), as the test operator.
func (e *authzEnv) ready(t *testing.T, id string, at ...*gridwatchv1.LatLng) {
	t.Helper()
	pos := nearOwn
	if len(at) > 0 {
		pos = at[0]
	}
	name := "responders/" + id
	if _, err := e.presence.StartShift(e.admin, &gridwatchv1.StartShiftRequest{Responder: name}); err != nil {
		t.Fatalf("StartShift %s: %v", id, err)
	}
	_, err := e.presence.SetResponderStatus(e.admin, &gridwatchv1.SetResponderStatusRequest{Responder: name,
		Status: gridwatchv1.ResponderStatus_RESPONDER_STATUS_AVAILABLE})
	if err != nil {
		t.Fatalf("SetResponderStatus %s: %v", id, err)
	}
	resp, err := e.presence.BatchReportLocations(e.admin, &gridwatchv1.BatchReportLocationsRequest{Reports: []*gridwatchv1.LocationReport{
		{Responder: name, Update: update(pos, time.Now())}}})
	if err != nil || resp.GetResults()[0] != applied {
		t.Fatalf("placing %s: %v %v", id, resp, err)
	}
}

// create creates an incident at p as the test operator (source CONSOLE)
// and cancels it when the test ends.
func (e *authzEnv) create(t *testing.T, p *gridwatchv1.LatLng, requestID string) *gridwatchv1.Incident {
	t.Helper()
	inc, err := e.dispatch.CreateIncident(e.admin, &gridwatchv1.CreateIncidentRequest{RequestId: requestID,
		Incident: &gridwatchv1.Incident{Category: "noise", Severity: 2, Position: p,
			Source: gridwatchv1.IncidentSource_INCIDENT_SOURCE_CONSOLE}})
	if err != nil {
		t.Fatalf("CreateIncident: %v", err)
	}
	t.Cleanup(func() { e.cancel(inc.GetName()) })
	return inc
}

// cancel cancels an incident as the test operator, if it is active: its
// responders are released and its offers revoked.
func (e *authzEnv) cancel(name string) {
	_, _ = e.dispatch.CancelIncident(context.Background(), &gridwatchv1.CancelIncidentRequest{Name: name})
}

// authzResponders are the responders of the fixture's rosters.
var authzResponders = []string{"v-own", "v-other", "o-own", "v-far", "v-arrive", "w1", "w2", "w3", "b1", "p1"}

// offDuty ends the shift of every responder but except, as the test
// operator.
func (e *authzEnv) offDuty(except string) {
	for _, id := range authzResponders {
		if id != except {
			_, _ = e.presence.EndShift(e.admin, &gridwatchv1.EndShiftRequest{Responder: "responders/" + id})
		}
	}
}

// offerTo readies responder id alone at pos (nearOwn if nil), creates an
// incident at ownPoint and returns it with its pending offer to id.
func (e *authzEnv) offerTo(t *testing.T, id string, pos *gridwatchv1.LatLng) (*gridwatchv1.Incident, *gridwatchv1.Offer) {
	t.Helper()
	if pos == nil {
		pos = nearOwn
	}
	e.offDuty(id)
	e.ready(t, id, pos)
	inc := e.create(t, ownPoint, "")
	for _, o := range inc.GetOffers() {
		if o.GetResponder() == "responders/"+id && o.GetState() == gridwatchv1.OfferState_OFFER_STATE_PENDING {
			return inc, o
		}
	}
	t.Fatalf("no pending offer to %s in %v", id, inc.GetOffers())
	return nil, nil
}

// assigned returns an incident near ownPoint with responder id assigned
// to its first slot by the test operator.
func (e *authzEnv) assigned(t *testing.T, id string) *gridwatchv1.Incident {
	t.Helper()
	e.ready(t, id)
	inc := e.create(t, ownPoint, "")
	got, err := e.dispatch.AssignResponder(e.admin, &gridwatchv1.AssignResponderRequest{Incident: inc.GetName(),
		Slot: 0, Responder: "responders/" + id})
	if err != nil {
		t.Fatalf("AssignResponder: %v", err)
	}
	return got
}
