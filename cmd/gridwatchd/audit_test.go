package main_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/internal/redistest"
	goredis "github.com/redis/go-redis/v9"
)

// as returns a context with the call deadline whose calls send a token of
// role (of keysOf(t)) instead of the connection's admin token.
func as(t *testing.T, role string) context.Context {
	t.Helper()
	md := metadata.Pairs("authorization", "Bearer "+keysOf(t).token(t, role))
	ctx, cancel := context.WithTimeout(metadata.NewOutgoingContext(context.Background(), md), callTimeout)
	t.Cleanup(cancel)
	return ctx
}

// TestAuditTrail is the audit trail's acceptance over a real port, on each
// engine: a mutation leaves a record with actor, role, action, object and
// cell; a dispatcher's FindResponders leaves a record of the responders
// whose positions it disclosed; an admin lists them; anyone else is
// PERMISSION_DENIED. On Redis, a trail that cannot be written (the stream
// key of another type, then Redis down) fails a mutation UNAVAILABLE and
// nothing changes. On memory, records past -audit-retention are trimmed.
func TestAuditTrail(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs gridwatchd and a redis-server")
	}
	bin := buildServer(t)
	t.Run("memory", func(t *testing.T) {
		d := startDaemon(t, bin, "-store", "memory", "-caller-key", callerKey)
		checkAuditRecords(t, dial(t, d.addr))
	})
	t.Run("redis", func(t *testing.T) {
		rs := redistest.NewPersistent(t)
		d := startDaemon(t, bin, "-store", "redis", "-redis-url", rs.URL(), "-caller-key", callerKey)
		conn := dial(t, d.addr)
		checkAuditRecords(t, conn)
		checkUnrecordable(t, conn, rs.NewClient(t))
		rs.Kill(t)
		dispatch := gridwatchv1.NewDispatchServiceClient(conn)
		if _, err := dispatch.CreateIncident(as(t, "dispatcher"), newIncident("down")); status.Code(err) != codes.Unavailable {
			t.Errorf("CreateIncident with Redis down: %v, want UNAVAILABLE", err)
		}
		rs.Restart(t)
		waitReadyz(t, d.addr, 200)
		checkNoIncident(t, dispatch)
	})
	t.Run("retention", func(t *testing.T) {
		d := startDaemon(t, bin, "-store", "memory", "-caller-key", callerKey,
			"-audit-retention", "1s", "-audit-trim-every", "100ms")
		conn := dial(t, d.addr)
		importSceneScope(t, conn)
		if _, err := gridwatchv1.NewDispatchServiceClient(conn).CreateIncident(as(t, "dispatcher"), newIncident("")); err != nil {
			t.Fatal(err)
		}
		auditClient := gridwatchv1.NewAuditServiceClient(conn)
		waitFor(t, 10*time.Second, "records past a 1 s retention trimmed", func() (bool, string) {
			resp, err := auditClient.ListAuditRecords(as(t, "admin"), &gridwatchv1.ListAuditRecordsRequest{})
			return err == nil && len(resp.GetAuditRecords()) == 0, resp.String()
		})
	})
}

// checkAuditRecords makes a mutation and a dispatcher's search and finds
// their records.
func checkAuditRecords(t *testing.T, conn *grpc.ClientConn) {
	t.Helper()
	importSceneScope(t, conn)
	placeResponders(t, conn, []responder{{"v1", "watch_volunteer", "walk", metresNorth(20)}})
	inc, err := gridwatchv1.NewDispatchServiceClient(conn).CreateIncident(as(t, "dispatcher"), newIncident("audited"))
	if err != nil {
		t.Fatal(err)
	}
	pres := gridwatchv1.NewPresenceServiceClient(conn)
	if _, err := pres.FindResponders(as(t, "dispatcher"), &gridwatchv1.FindRespondersRequest{Point: scene}); err != nil {
		t.Fatal(err)
	}
	cell, err := h3.LatLngToCell(h3.LatLng{Lat: scene.GetLatitude(), Lng: scene.GetLongitude()}, 7)
	if err != nil {
		t.Fatal(err)
	}
	auditClient := gridwatchv1.NewAuditServiceClient(conn)
	created := listAuditOf(t, auditClient, "dispatch.CreateIncident")
	if len(created) != 2 || created[1].GetOutcome() != "" || created[0].GetOutcome() != "OK" ||
		created[0].GetRole() != "dispatcher" || created[0].GetCell() != cell.String() ||
		!slices.Contains(created[0].GetObjects(), inc.GetName()) {
		t.Errorf("records of CreateIncident %v; want the attempt and an OK outcome naming %s in %s", created, inc.GetName(), cell)
	}
	found := listAuditOf(t, auditClient, "presence.FindResponders")
	if len(found) != 1 || !slices.Equal(found[0].GetObjects(), []string{"responders/v1"}) || found[0].GetCell() != cell.String() {
		t.Errorf("records of FindResponders %v; want one naming responders/v1 in %s", found, cell)
	}
	if n := len(listAuditOf(t, auditClient, "presence.BatchReportLocations")); n != 0 {
		t.Errorf("%d records of position reports, want none", n)
	}
	for _, role := range []string{"volunteer", "officer", "dispatcher"} {
		_, err := auditClient.ListAuditRecords(as(t, role), &gridwatchv1.ListAuditRecordsRequest{})
		if status.Code(err) != codes.PermissionDenied {
			t.Errorf("ListAuditRecords as %s: %v, want PERMISSION_DENIED", role, err)
		}
	}
}

// listAuditOf lists the records of action as an admin, newest first.
func listAuditOf(t *testing.T, c gridwatchv1.AuditServiceClient, action string) []*gridwatchv1.AuditRecord {
	t.Helper()
	resp, err := c.ListAuditRecords(as(t, "admin"), &gridwatchv1.ListAuditRecordsRequest{Action: action})
	if err != nil {
		t.Fatalf("ListAuditRecords: %v", err)
	}
	return resp.GetAuditRecords()
}

// checkUnrecordable makes the stream unwritable (a string at its key)
// while Redis is up: a create fails UNAVAILABLE and stores nothing.
func checkUnrecordable(t *testing.T, conn *grpc.ClientConn, rdb *goredis.Client) {
	t.Helper()
	ctx := context.Background()
	saved, err := rdb.Dump(ctx, "gw:{audit}").Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, "gw:{audit}", "not a stream", 0).Err(); err != nil {
		t.Fatal(err)
	}
	dispatch := gridwatchv1.NewDispatchServiceClient(conn)
	if _, err := dispatch.CreateIncident(as(t, "dispatcher"), newIncident("unrecorded")); status.Code(err) != codes.Unavailable {
		t.Errorf("CreateIncident with the trail unwritable: %v, want UNAVAILABLE", err)
	}
	checkNoIncident(t, dispatch)
	if err := rdb.RestoreReplace(ctx, "gw:{audit}", 0, saved).Err(); err != nil {
		t.Fatal(err)
	}
}

// checkNoIncident checks that only the incident of checkAuditRecords
// exists.
func checkNoIncident(t *testing.T, dispatch gridwatchv1.DispatchServiceClient) {
	t.Helper()
	list, err := dispatch.ListIncidents(as(t, "dispatcher"), &gridwatchv1.ListIncidentsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(list.GetIncidents()); n != 1 || list.GetIncidents()[0].GetRequestId() != "audited" {
		t.Errorf("%d incidents after failed creates, want only the one created before", n)
	}
}
