package api

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// The matrix cases of DispatchService.

// incidentCall is the case of a call on one incident (call returns its
// error) that the roles of may make on incidents in their scope: own
// calls it on an incident at ownPoint (prepare, if set, makes it), foreign
// on one at farPoint and on one that does not exist.
func incidentCall(may []Role, prepare func(t *testing.T, e *authzEnv, p auth.Principal) *gridwatchv1.Incident,
	call func(ctx context.Context, e *authzEnv, p auth.Principal, name string) error) authzCase {
	if prepare == nil {
		prepare = func(t *testing.T, e *authzEnv, _ auth.Principal) *gridwatchv1.Incident {
			return e.create(t, ownPoint, "")
		}
	}
	return authzCase{may: may, reach: admins,
		own: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
			return call(ctx, e, p, prepare(t, e, p).GetName())
		},
		foreign: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) []error {
			far := e.create(t, farPoint, "")
			return errs(notOnShiftIsReach(call(ctx, e, p, far.GetName())), notFoundIsReach(call(ctx, e, p, "incidents/nope")))
		}}
}

// assignedTo returns a prepare of incidentCall: an incident at ownPoint
// whose slot 0 the admin assigned to responder id, on duty near it.
func assignedTo(id string) func(t *testing.T, e *authzEnv, p auth.Principal) *gridwatchv1.Incident {
	return func(t *testing.T, e *authzEnv, _ auth.Principal) *gridwatchv1.Incident {
		t.Helper()
		inc := e.create(t, ownPoint, "")
		e.ready(t, id)
		if _, err := e.dispatch.AssignResponder(e.admin, &gridwatchv1.AssignResponderRequest{Incident: inc.GetName(),
			Slot: 0, Responder: "responders/" + id}); err != nil {
			t.Fatalf("setup: assigning %s: %v", id, err)
		}
		return inc
	}
}

// offerCall is the case of a responder answering an offer (call returns
// its error): only the responder offered may, not even an admin. Its
// foreign object is another volunteer's offer.
func offerCall(call func(ctx context.Context, e *authzEnv, offer *gridwatchv1.Offer) error) authzCase {
	return authzCase{may: responderRoles,
		own: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
			_, o := e.offerTo(t, selfOr(p), nil)
			return call(ctx, e, o)
		},
		foreign: func(t *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) []error {
			_, o := e.offerTo(t, "v-other", ownPoint)
			return errs(call(ctx, e, o))
		}}
}

// withdraw has the responder of offer accept it, then withdraws as ctx's
// caller.
func withdraw(ctx context.Context, e *authzEnv, o *gridwatchv1.Offer) error {
	_, err := e.dispatch.AcceptOffer(asResponder(context.Background(), o.GetResponder()[len("responders/"):]),
		&gridwatchv1.AcceptOfferRequest{Name: o.GetName(), Responder: o.GetResponder()})
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	_, err = e.dispatch.WithdrawAssignment(ctx, &gridwatchv1.WithdrawAssignmentRequest{
		Incident: o.GetIncident(), Responder: o.GetResponder()})
	return err
}

func dispatchCases() map[string]authzCase {
	return map[string]authzCase{
		gridwatchv1.DispatchService_CreateIncident_FullMethodName: createIncidentCase(),
		gridwatchv1.DispatchService_GetIncident_FullMethodName:    getIncidentCase(),
		gridwatchv1.DispatchService_ListIncidents_FullMethodName:  listIncidentsCase(),
		gridwatchv1.DispatchService_WatchIncidents_FullMethodName: {may: gridRoles, list: true, own: watchIncidents},
		gridwatchv1.DispatchService_CancelIncident_FullMethodName: incidentCall(dispatchers, nil,
			func(ctx context.Context, e *authzEnv, _ auth.Principal, name string) error {
				_, err := e.dispatch.CancelIncident(ctx, &gridwatchv1.CancelIncidentRequest{Name: name})
				return err
			}),
		gridwatchv1.DispatchService_TransitionIncident_FullMethodName: transitionIncidentCase(),
		gridwatchv1.DispatchService_AssignResponder_FullMethodName: incidentCall(dispatchers, nil,
			func(ctx context.Context, e *authzEnv, _ auth.Principal, name string) error {
				_, err := e.dispatch.AssignResponder(ctx, &gridwatchv1.AssignResponderRequest{Incident: name, Slot: 0,
					Responder: "responders/v-own"})
				return err
			}),
		gridwatchv1.DispatchService_RecordArrival_FullMethodName: incidentCall(dispatchers, assignedTo("v-arrive"),
			func(ctx context.Context, e *authzEnv, _ auth.Principal, name string) error {
				_, err := e.dispatch.RecordArrival(ctx, &gridwatchv1.RecordArrivalRequest{Incident: name,
					Responder: "responders/v-arrive"})
				return err
			}),
		gridwatchv1.DispatchService_ListCandidates_FullMethodName: listCandidatesCase(),
		gridwatchv1.DispatchService_AcceptOffer_FullMethodName: offerCall(func(ctx context.Context, e *authzEnv, o *gridwatchv1.Offer) error {
			_, err := e.dispatch.AcceptOffer(ctx, &gridwatchv1.AcceptOfferRequest{Name: o.GetName(), Responder: o.GetResponder()})
			return err
		}),
		gridwatchv1.DispatchService_DeclineOffer_FullMethodName: offerCall(func(ctx context.Context, e *authzEnv, o *gridwatchv1.Offer) error {
			_, err := e.dispatch.DeclineOffer(ctx, &gridwatchv1.DeclineOfferRequest{Name: o.GetName(), Responder: o.GetResponder()})
			return err
		}),
		gridwatchv1.DispatchService_WithdrawAssignment_FullMethodName: offerCall(withdraw),
		gridwatchv1.DispatchService_WatchOffers_FullMethodName: {may: responderRoles, own: watchOwnOffers,
			foreign: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) []error {
				return each(strangers(p), func(name string) error {
					ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
					defer cancel()
					st, err := e.dispatch.WatchOffers(ctx, &gridwatchv1.WatchOffersRequest{Responder: name})
					if err == nil {
						_, err = st.Recv()
					}
					return err
				})
			}},
	}
}

// ownSource is the source each role reports its own incidents with.
func ownSource(p auth.Principal) gridwatchv1.IncidentSource {
	switch p.Role {
	case RoleVolunteer:
		return gridwatchv1.IncidentSource_INCIDENT_SOURCE_VOLUNTEER
	case RoleOfficer:
		return gridwatchv1.IncidentSource_INCIDENT_SOURCE_PATROL
	}
	return gridwatchv1.IncidentSource_INCIDENT_SOURCE_CONSOLE
}

// createAs creates an incident at p from source as ctx's caller and
// cancels it when the test ends.
func createAs(t *testing.T, ctx context.Context, e *authzEnv, p *gridwatchv1.LatLng, source gridwatchv1.IncidentSource, requestID string) error {
	inc, err := e.dispatch.CreateIncident(ctx, &gridwatchv1.CreateIncidentRequest{RequestId: requestID,
		Incident: &gridwatchv1.Incident{Category: "dispute", Severity: 3, Position: p, Source: source}})
	if err == nil {
		t.Cleanup(func() { e.cancel(inc.GetName()) })
	}
	return err
}

// watchIncidents watches incidents as ctx's caller while the test
// operator creates one at farPoint, then one at ownPoint: the stream must
// show the own incident's events and none of the foreign one's (which
// come first), but to admins.
func watchIncidents(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err := e.dispatch.WatchIncidents(ctx, &gridwatchv1.WatchIncidentsRequest{})
	if err != nil {
		return err
	}
	if _, err := st.Header(); err != nil {
		return err
	}
	far, own := e.create(t, farPoint, ""), e.create(t, ownPoint, "")
	for {
		m, err := st.Recv()
		if err != nil {
			return err
		}
		switch m.GetIncident().GetName() {
		case far.GetName():
			if p.Role != RoleAdmin {
				return errorf("a foreign incident's event reached " + p.Role.String())
			}
		case own.GetName():
			return nil
		}
	}
}

// watchOwnOffers watches the offers of the caller's responder and waits
// for the offer of an incident the test operator creates.
func watchOwnOffers(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err := e.dispatch.WatchOffers(ctx, &gridwatchv1.WatchOffersRequest{Responder: "responders/" + selfOr(p)})
	if err != nil {
		return err
	}
	if _, err := st.Header(); err != nil {
		return err
	}
	inc, _ := e.offerTo(t, selfOr(p), nil)
	for {
		m, err := st.Recv()
		if err != nil {
			return err
		}
		if m.GetEvent().GetType() == gridwatchv1.IncidentEventType_INCIDENT_EVENT_TYPE_OFFERED &&
			m.GetIncident().GetName() == inc.GetName() {
			return nil
		}
	}
}

// createIncidentCase: every role reports at ownPoint with its source;
// foreign are a source or a place the role may not report with, and
// another caller's request_id.
func createIncidentCase() authzCase {
	return authzCase{may: everyone, reach: admins,
		own: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
			return createAs(t, ctx, e, ownPoint, ownSource(p), "")
		},
		foreign: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) []error {
			e.create(t, farPoint, "far-request")
			at, source := farPoint, gridwatchv1.IncidentSource_INCIDENT_SOURCE_CONSOLE
			if p.Role == RoleVolunteer || p.Role == RoleOfficer {
				at, source = ownPoint, gridwatchv1.IncidentSource_INCIDENT_SOURCE_CALL_110
			}
			return errs(createAs(t, ctx, e, at, source, ""), createAs(t, ctx, e, ownPoint, ownSource(p), "far-request"))
		}}
}

// getIncidentCase: every role reads an incident offered to its
// responder; foreign are one elsewhere, one that does not exist and, for
// a volunteer, one never offered to them.
func getIncidentCase() authzCase {
	return authzCase{may: everyone, reach: admins,
		own: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
			inc, _ := e.offerTo(t, selfOr(p), nil) // a volunteer reads the incidents offered to them
			_, err := e.dispatch.GetIncident(ctx, &gridwatchv1.GetIncidentRequest{Name: inc.GetName()})
			return err
		},
		foreign: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) []error {
			get := func(name string) error {
				_, err := e.dispatch.GetIncident(ctx, &gridwatchv1.GetIncidentRequest{Name: name})
				return err
			}
			out := errs(get(e.create(t, farPoint, "").GetName()), notFoundIsReach(get("incidents/nope")))
			if p.Role == RoleVolunteer { // not offered to them: nobody is on shift
				e.offDuty("")
				out = append(out, get(e.create(t, ownPoint, "").GetName()))
			}
			return out
		}}
}

// listIncidentsCase pages through the incidents one at a time: the own
// incident is listed, the foreign one only to admins.
func listIncidentsCase() authzCase {
	return authzCase{may: gridRoles, list: true,
		own: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
			far, own := e.create(t, farPoint, ""), e.create(t, ownPoint, "")
			var names []string
			req := &gridwatchv1.ListIncidentsRequest{PageSize: 1}
			for range 20 {
				resp, err := e.dispatch.ListIncidents(ctx, req)
				if err != nil {
					return err
				}
				for _, inc := range resp.GetIncidents() {
					names = append(names, inc.GetName())
				}
				if req.PageToken = resp.GetNextPageToken(); req.PageToken == "" {
					break
				}
			}
			return listed(p, names, own.GetName(), far.GetName())
		}}
}

// listCandidatesCase lists the candidates of an incident offered to the
// caller's responder: precise positions to dispatchers only.
func listCandidatesCase() authzCase {
	return incidentCall(dispatchers,
		func(t *testing.T, e *authzEnv, p auth.Principal) *gridwatchv1.Incident {
			inc, _ := e.offerTo(t, selfOr(p), nil)
			return inc
		},
		func(ctx context.Context, e *authzEnv, p auth.Principal, name string) error {
			resp, err := e.dispatch.ListCandidates(ctx, &gridwatchv1.ListCandidatesRequest{Incident: name})
			if err != nil {
				return err
			}
			for _, sc := range resp.GetSlots() {
				if err := checkPositions(p, sc.GetCircles(), ""); err != nil {
					return err
				}
			}
			return nil
		})
}

// transitionIncidentCase resolves an incident with a responder assigned.
func transitionIncidentCase() authzCase {
	return incidentCall(gridRoles,
		func(t *testing.T, e *authzEnv, p auth.Principal) *gridwatchv1.Incident {
			return e.assigned(t, selfOr(p))
		},
		func(ctx context.Context, e *authzEnv, _ auth.Principal, name string) error {
			_, err := e.dispatch.TransitionIncident(ctx, &gridwatchv1.TransitionIncidentRequest{Name: name,
				State: gridwatchv1.IncidentState_INCIDENT_STATE_RESOLVED})
			return err
		})
}
