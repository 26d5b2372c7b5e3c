package api

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// The matrix cases of GridService, RosterService and PresenceService;
// authz_cases_dispatch_test.go has DispatchService's.

// caseFunc is the signature of a case's own call.
type caseFunc = func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error

// sameCall is a foreign call that is the own call: an import or edit by
// a role that may not make it.
func sameCall(own caseFunc) func(*testing.T, context.Context, *authzEnv, auth.Principal) []error {
	return func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) []error {
		return errs(own(t, ctx, e, p))
	}
}

// adminCall is the case of a method only admins call, whose foreign
// object is the call itself by anyone else.
func adminCall(own caseFunc) authzCase {
	return authzCase{own: own, may: admins, foreign: sameCall(own), reach: admins}
}

// publicCall is the case of reference data every role reads.
func publicCall(own caseFunc) authzCase {
	return authzCase{own: own, may: everyone, public: true}
}

func gridCases() map[string]authzCase {
	return map[string]authzCase{
		gridwatchv1.GridService_ImportGrids_FullMethodName: adminCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.grids.ImportGrids(ctx, &gridwatchv1.ImportGridsRequest{Kind: community, ValidateOnly: true,
				Geojson: collection(squareLatLng("x", 41.90, 123.38, 0.01, 0.01, ""))})
			return err
		}),
		gridwatchv1.GridService_GetGrid_FullMethodName: publicCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.grids.GetGrid(ctx, &gridwatchv1.GetGridRequest{Name: "policeGrids/hn-p"})
			return err
		}),
		gridwatchv1.GridService_ListGrids_FullMethodName: publicCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.grids.ListGrids(ctx, &gridwatchv1.ListGridsRequest{Kind: police})
			return err
		}),
		gridwatchv1.GridService_UpdateGrid_FullMethodName: {may: admins, reach: admins,
			own: func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
				return renameGrid(ctx, e, "hp-p")
			},
			foreign: func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) []error {
				return errs(renameGrid(ctx, e, "hn-p"))
			}},
		gridwatchv1.GridService_LocatePoint_FullMethodName: publicCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.grids.LocatePoint(ctx, &gridwatchv1.LocatePointRequest{Point: farPoint})
			return err
		}),
		gridwatchv1.GridService_ImportUnits_FullMethodName: adminCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.grids.ImportUnits(ctx, &gridwatchv1.ImportUnitsRequest{Data: testUnits, ValidateOnly: true})
			return err
		}),
		gridwatchv1.GridService_GetUnit_FullMethodName: publicCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.grids.GetUnit(ctx, &gridwatchv1.GetUnitRequest{Name: "units/hn-st"})
			return err
		}),
		gridwatchv1.GridService_ListUnits_FullMethodName: publicCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.grids.ListUnits(ctx, &gridwatchv1.ListUnitsRequest{})
			return err
		}),
	}
}

// renameGrid renames police grid id.
func renameGrid(ctx context.Context, e *authzEnv, id string) error {
	_, err := e.grids.UpdateGrid(ctx, &gridwatchv1.UpdateGridRequest{
		Grid: &gridwatchv1.Grid{Name: "policeGrids/" + id, DisplayName: id + " 网格"}, UpdateMask: mask([]string{"display_name"})})
	return err
}

func rosterCases() map[string]authzCase {
	return map[string]authzCase{
		gridwatchv1.RosterService_ImportWatchPosts_FullMethodName: adminCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.roster.ImportWatchPosts(ctx, &gridwatchv1.ImportWatchPostsRequest{ValidateOnly: true,
				Data: "id,name,lat,lng,staffed_hours\nwp1,岗,41.80,123.41,24h\n"})
			return err
		}),
		gridwatchv1.RosterService_ListWatchPosts_FullMethodName: publicCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.roster.ListWatchPosts(ctx, &gridwatchv1.ListWatchPostsRequest{})
			return err
		}),
		gridwatchv1.RosterService_ImportCompounds_FullMethodName: adminCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.roster.ImportCompounds(ctx, &gridwatchv1.ImportCompoundsRequest{Data: authzCompounds, ValidateOnly: true})
			return err
		}),
		gridwatchv1.RosterService_ListCompounds_FullMethodName: publicCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.roster.ListCompounds(ctx, &gridwatchv1.ListCompoundsRequest{})
			return err
		}),
		gridwatchv1.RosterService_ImportResponders_FullMethodName: adminCall(func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) error {
			_, err := e.roster.ImportResponders(ctx, &gridwatchv1.ImportRespondersRequest{Data: authzRoster, ValidateOnly: true})
			return err
		}),
		gridwatchv1.RosterService_GetResponder_FullMethodName: {may: everyone, reach: admins,
			own: func(_ *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
				_, err := e.roster.GetResponder(ctx, &gridwatchv1.GetResponderRequest{Name: "responders/" + selfOr(p)})
				return err
			},
			foreign: func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) []error {
				return each([]string{"v-far", "nobody"}, func(name string) error {
					_, err := e.roster.GetResponder(ctx, &gridwatchv1.GetResponderRequest{Name: name})
					return notFoundIsReach(err)
				})
			}},
		gridwatchv1.RosterService_ListResponders_FullMethodName: listRespondersCase(),
		gridwatchv1.RosterService_ListUnderstaffedCompounds_FullMethodName: {may: gridRoles, list: true,
			own: func(_ *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
				resp, err := e.roster.ListUnderstaffedCompounds(ctx, &gridwatchv1.ListUnderstaffedCompoundsRequest{})
				if err != nil {
					return err
				}
				var names []string
				for _, c := range resp.GetCompounds() {
					names = append(names, c.GetCompound().GetName())
				}
				return listed(p, names, "compounds/c-own", "compounds/c-far")
			}},
	}
}

// notFoundIsReach returns nil for NOT_FOUND: the role reached far enough
// to learn that the object does not exist, which only admins may.
func notFoundIsReach(err error) error {
	if status.Code(err) == codes.NotFound {
		return nil
	}
	return err
}

// listed checks a list: it holds own, and foreign only for admins.
func listed(p auth.Principal, names []string, own, foreign string) error {
	if !slices.Contains(names, own) {
		return errorf(fmt.Sprintf("listed %v, want %s", names, own))
	}
	if slices.Contains(names, foreign) != (p.Role == RoleAdmin) {
		return errorf(fmt.Sprintf("listed %v: %s is foreign to %s", names, foreign, p.Role))
	}
	return nil
}

// responderCall is the case of a call naming a responder that the
// responder, admins, and station chiefs and dispatchers of the
// responder's units may make (call returns its error).
func responderCall(setup bool, call func(ctx context.Context, e *authzEnv, name string) error) authzCase {
	return authzCase{may: everyone, reach: admins,
		own: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
			if setup {
				e.ready(t, selfOr(p))
			}
			return call(ctx, e, "responders/"+selfOr(p))
		},
		foreign: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) []error {
			return each(strangers(p), func(name string) error { return notOnShiftIsReach(call(ctx, e, name)) })
		}}
}

// notOnShiftIsReach returns nil for FAILED_PRECONDITION: an admin acting
// on a responder who is not on shift.
func notOnShiftIsReach(err error) error {
	if status.Code(err) == codes.FailedPrecondition {
		return nil
	}
	return err
}

func presenceCases() map[string]authzCase {
	return map[string]authzCase{
		gridwatchv1.PresenceService_StartShift_FullMethodName: responderCall(false, func(ctx context.Context, e *authzEnv, name string) error {
			_, err := e.presence.StartShift(ctx, &gridwatchv1.StartShiftRequest{Responder: name})
			return err
		}),
		gridwatchv1.PresenceService_EndShift_FullMethodName: responderCall(true, func(ctx context.Context, e *authzEnv, name string) error {
			_, err := e.presence.EndShift(ctx, &gridwatchv1.EndShiftRequest{Responder: name})
			return err
		}),
		gridwatchv1.PresenceService_SetResponderStatus_FullMethodName: responderCall(true, func(ctx context.Context, e *authzEnv, name string) error {
			_, err := e.presence.SetResponderStatus(ctx, &gridwatchv1.SetResponderStatusRequest{Responder: name,
				Status: gridwatchv1.ResponderStatus_RESPONDER_STATUS_AVAILABLE})
			return err
		}),
		gridwatchv1.PresenceService_GetOwnGridTime_FullMethodName: responderCall(false, func(ctx context.Context, e *authzEnv, name string) error {
			_, err := e.presence.GetOwnGridTime(ctx, &gridwatchv1.GetOwnGridTimeRequest{Responder: name})
			return err
		}),
		gridwatchv1.PresenceService_ReportLocations_FullMethodName:      reportCase(streamReport),
		gridwatchv1.PresenceService_BatchReportLocations_FullMethodName: reportCase(batchReport),
		gridwatchv1.PresenceService_FindResponders_FullMethodName: {may: gridRoles, reach: admins,
			own: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
				e.ready(t, selfOr(p))
				resp, err := e.presence.FindResponders(ctx, &gridwatchv1.FindRespondersRequest{Point: ownPoint})
				if err != nil {
					return err
				}
				return checkPositions(p, resp.GetCircles(), "responders/"+selfOr(p))
			},
			foreign: func(_ *testing.T, ctx context.Context, e *authzEnv, _ auth.Principal) []error {
				_, err := e.presence.FindResponders(ctx, &gridwatchv1.FindRespondersRequest{Point: farPoint})
				return errs(err)
			}},
	}
}

// reportCase is the case of a position report sent by report: the
// responder's own, or any responder's for admins.
func reportCase(report func(ctx context.Context, e *authzEnv, names ...string) error) authzCase {
	return authzCase{may: []Role{RoleVolunteer, RoleOfficer, RoleAdmin}, reach: admins,
		own: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
			e.ready(t, selfOr(p))
			return report(ctx, e, "responders/"+selfOr(p))
		},
		foreign: func(t *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) []error {
			e.ready(t, selfOr(p))
			return each(strangers(p), func(name string) error {
				e.ready(t, name[len("responders/"):], farPoint)
				return report(ctx, e, "responders/"+selfOr(p), name)
			})
		}}
}

// streamReport reports a position of each responder on one stream and
// fails unless every update is applied.
func streamReport(ctx context.Context, e *authzEnv, names ...string) error {
	st, err := e.presence.ReportLocations(ctx)
	if err != nil {
		return err
	}
	for i, n := range names {
		// A Send after the server ended the stream fails with io.EOF;
		// Recv returns the status it ended with.
		if err := st.Send(&gridwatchv1.ReportLocationsRequest{Responder: n, Sequence: int64(i),
			Update: update(nearOwn, time.Now())}); err != nil {
			break
		}
	}
	_ = st.CloseSend()
	acks, err := recvAll(st)
	if err != nil {
		return err
	}
	return allApplied(len(names), func(i int) gridwatchv1.LocationResult { return acks[i].GetResult() }, len(acks))
}

// batchReport is streamReport over BatchReportLocations.
func batchReport(ctx context.Context, e *authzEnv, names ...string) error {
	req := &gridwatchv1.BatchReportLocationsRequest{}
	for _, n := range names {
		req.Reports = append(req.Reports, &gridwatchv1.LocationReport{Responder: n, Update: update(nearOwn, time.Now())})
	}
	resp, err := e.presence.BatchReportLocations(ctx, req)
	if err != nil {
		return err
	}
	return allApplied(len(names), func(i int) gridwatchv1.LocationResult { return resp.GetResults()[i] }, len(resp.GetResults()))
}

// allApplied fails unless there are n results, all APPLIED.
func allApplied(n int, result func(int) gridwatchv1.LocationResult, got int) error {
	if got != n {
		return errorf(fmt.Sprintf("%d results, want %d", got, n))
	}
	for i := range n {
		if result(i) != applied {
			return errorf(fmt.Sprintf("result %d: %v, want applied", i, result(i)))
		}
	}
	return nil
}

// checkPositions fails unless the circles hold name (any responder when
// name is ""), with precise positions if and only if p is a dispatcher.
func checkPositions(p auth.Principal, circles []*gridwatchv1.ResponseCircle, name string) error {
	found := false
	for _, c := range circles {
		for _, r := range c.GetResponders() {
			found = found || r.GetResponder() == name
			res := h3.CellFromString(r.GetCell()).Resolution()
			if precise := r.GetPosition() != nil || res != coarseResolution; precise != p.Role.SeesPositions() {
				return errorf(fmt.Sprintf("%s shown to %s with position %v, cell %s", r.GetResponder(), p.Role, r.GetPosition(), r.GetCell()))
			}
		}
	}
	if !found && name != "" {
		return errorf(fmt.Sprintf("%s not found in %v", name, circles))
	}
	return nil
}

// listRespondersCase: the own responder listed, the foreign one only to
// admins.
func listRespondersCase() authzCase {
	return authzCase{may: gridRoles, list: true,
		own: func(_ *testing.T, ctx context.Context, e *authzEnv, p auth.Principal) error {
			resp, err := e.roster.ListResponders(ctx, &gridwatchv1.ListRespondersRequest{})
			if err != nil {
				return err
			}
			var names []string
			for _, r := range resp.GetResponders() {
				names = append(names, r.GetName())
			}
			return listed(p, names, "responders/v-own", "responders/v-far")
		}}
}
