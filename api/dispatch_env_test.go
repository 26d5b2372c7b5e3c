package api

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"google.golang.org/grpc"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/memory"
)

// newDispatchEnv is a server with every service over the memory engines,
// dispatch included (policy p, DefaultPolicy if p.Rules is nil), with
// presenceRoster imported.
func newDispatchEnv(t *testing.T, p dispatch.Policy) *env {
	t.Helper()
	return newDispatchEnvWith(t, p, testAuth(), nil)
}

// newDispatchEnvAuth is newDispatchEnv authenticating with a.
func newDispatchEnvAuth(t *testing.T, p dispatch.Policy, a Authentication) *env {
	t.Helper()
	return newDispatchEnvWith(t, p, a, nil)
}

// newDispatchEnvAudit is newDispatchEnv recording the audit trail with rec.
func newDispatchEnvAudit(t *testing.T, p dispatch.Policy, rec *audit.Recorder) *env {
	t.Helper()
	return newDispatchEnvWith(t, p, testAuth(), rec)
}

// newDispatchEnvWith is newDispatchEnv authenticating with a and recording
// the audit trail with rec (none if nil).
func newDispatchEnvWith(t *testing.T, p dispatch.Policy, a Authentication, rec *audit.Recorder) *env {
	t.Helper()
	svc, pres, cfg := dispatchServices(t, p)
	cfg.Auth, cfg.Audit = a, rec
	e := serve(t, cfg, func(s *grpc.Server) { Register(s, svc, pres, cfg) })
	e.events = cfg.Events
	e.mustImportUnits(t)
	e.mustImportScope(t)
	if _, err := e.roster.ImportResponders(t.Context(), &gridwatchv1.ImportRespondersRequest{Data: presenceRoster}); err != nil {
		t.Fatalf("ImportResponders: %v", err)
	}
	return e
}

// dispatchServices returns the grid and presence services and the API
// configuration (dispatch with policy p) of a dispatch env, over fresh
// memory engines.
func dispatchServices(t *testing.T, p dispatch.Policy) (*grid.Service, *presence.Service, Config) {
	t.Helper()
	return dispatchServicesOver(t, p, memory.NewDispatch())
}

// dispatchServicesOver is dispatchServices with dispatch over st.
func dispatchServicesOver(t *testing.T, p dispatch.Policy, st dispatch.Store) (*grid.Service, *presence.Service, Config) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	svc, err := grid.NewService(memory.New(), grid.Config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	pres, err := presence.NewService(memory.NewPresence(), svc, svc, presence.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	events := NewBroadcaster(0)
	disp, err := dispatch.NewService(st, pres, pres, dispatch.Config{Policy: p,
		CallerKey: bytes.Repeat([]byte{7}, dispatch.MinCallerKeyBytes), Sink: events}, log)
	if err != nil {
		t.Fatal(err)
	}
	return svc, pres, Config{Grid: svc, Dispatch: disp, Events: events, Arrivals: disp}
}

// newIncident is a request for a noise complaint at scene.
func newIncident(requestID string) *gridwatchv1.CreateIncidentRequest {
	return &gridwatchv1.CreateIncidentRequest{RequestId: requestID, CallerPhone: "+86 138 0000 0000",
		Incident: &gridwatchv1.Incident{Category: "noise", Severity: 2, Position: scene,
			Source: gridwatchv1.IncidentSource_INCIDENT_SOURCE_CALL_110, Address: "和平区 1 号"}}
}

// mustCreate creates req's incident.
func (e *env) mustCreate(t *testing.T, req *gridwatchv1.CreateIncidentRequest) *gridwatchv1.Incident {
	t.Helper()
	inc, err := e.dispatch.CreateIncident(t.Context(), req)
	if err != nil {
		t.Fatalf("CreateIncident: %v", err)
	}
	return inc
}

// watchOffers opens the offer stream of responder id, as the responder,
// and waits until the server has subscribed it.
func (e *env) watchOffers(ctx context.Context, t *testing.T, id string) gridwatchv1.DispatchService_WatchOffersClient {
	t.Helper()
	st, err := e.dispatch.WatchOffers(asResponder(ctx, id), &gridwatchv1.WatchOffersRequest{Responder: "responders/" + id})
	if err != nil {
		t.Fatalf("WatchOffers: %v", err)
	}
	if _, err := st.Header(); err != nil {
		t.Fatalf("WatchOffers header: %v", err)
	}
	return st
}

// nextOffer reads st until an OFFERED event and returns it.
func nextOffer(t *testing.T, st gridwatchv1.DispatchService_WatchOffersClient) *gridwatchv1.WatchOffersResponse {
	t.Helper()
	for {
		m, err := st.Recv()
		if err != nil {
			t.Fatalf("WatchOffers: %v", err)
		}
		if m.GetEvent().GetType() == gridwatchv1.IncidentEventType_INCIDENT_EVENT_TYPE_OFFERED {
			return m
		}
	}
}
