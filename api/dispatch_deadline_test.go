package api

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/store/memory"
)

// slowCreate is a dispatch store whose CreateIncident stores the incident
// and then takes delay more to answer: long enough for a caller's
// deadline to pass after the incident exists.
type slowCreate struct {
	dispatch.Store
	delay time.Duration
}

func (s slowCreate) CreateIncident(ctx context.Context, inc dispatch.Incident) (dispatch.Incident, bool, error) {
	got, created, err := s.Store.CreateIncident(context.WithoutCancel(ctx), inc)
	time.Sleep(s.delay)
	return got, created, err
}

// TestCreateIncidentRetryAfterDeadline: a CreateIncident whose deadline
// passes while the server is still creating the incident, retried with
// the same request_id, yields one incident; so do further retries racing
// each other.
func TestCreateIncidentRetryAfterDeadline(t *testing.T) {
	svc, pres, cfg := dispatchServicesOver(t, dispatch.Policy{}, slowCreate{Store: memory.NewDispatch(), delay: 300 * time.Millisecond})
	e := serve(t, cfg, func(s *grpc.Server) { Register(s, svc, pres, cfg) })
	e.mustImportUnits(t)
	e.mustImportScope(t)
	ctx := withRole(t.Context(), "dispatcher")
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := e.dispatch.CreateIncident(short, newIncident("forced-deadline"))
	if got := status.Code(err); got != codes.DeadlineExceeded {
		t.Fatalf("first call: got %v (%v), want DeadlineExceeded", got, err)
	}
	names := make(chan string, 4)
	for range cap(names) {
		go func() {
			inc, err := e.dispatch.CreateIncident(ctx, newIncident("forced-deadline"))
			if err != nil {
				t.Errorf("retry: %v", err)
			}
			names <- inc.GetName()
		}()
	}
	first := <-names
	for range cap(names) - 1 {
		if got := <-names; got != first {
			t.Errorf("retries created %s and %s, want one incident", first, got)
		}
	}
	list, err := e.dispatch.ListIncidents(ctx, &gridwatchv1.ListIncidentsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(list.GetIncidents()); n != 1 || list.GetIncidents()[0].GetName() != first {
		t.Fatalf("ListIncidents: %d incidents %v, want only %s", n, list.GetIncidents(), first)
	}
	if got := list.GetIncidents()[0].GetState(); got != gridwatchv1.IncidentState_INCIDENT_STATE_DISPATCHING {
		t.Errorf("state %v, want DISPATCHING: a retry carries on the dispatch the first call began", got)
	}
}
