package api

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

func TestGatewayDispatchBindings(t *testing.T) {
	e := newDispatchEnv(t, dispatch.Policy{})
	h := e.gateway(t)
	body := map[string]any{"requestId": "g1", "datum": "DATUM_GCJ02", "incident": map[string]any{
		"category": "noise", "severity": 2, "source": "INCIDENT_SOURCE_CONSOLE",
		"position": map[string]any{"latitude": 41.7962, "longitude": 123.4510}}}
	var inc gridwatchv1.Incident
	mustDo(t, h, "POST", "/v1/incidents", body, http.StatusOK, &inc)
	if inc.GetState() != gridwatchv1.IncidentState_INCIDENT_STATE_DISPATCHING ||
		inc.GetPosition().GetLatitude() == 41.7962 { // converted to WGS-84
		t.Errorf("create: %v", &inc)
	}
	var again gridwatchv1.Incident
	mustDo(t, h, "POST", "/v1/incidents", body, http.StatusOK, &again)
	if again.GetName() != inc.GetName() {
		t.Errorf("retry: got %s, want %s", again.GetName(), inc.GetName())
	}
	mustDo(t, h, "GET", "/v1/"+inc.GetName(), nil, http.StatusOK, nil)
	mustDo(t, h, "GET", "/v1/incidents/nope", nil, http.StatusNotFound, nil)
	// A responder's own calls: an admin may not make them.
	mustDo(t, h, "POST", "/v1/offers/nope:accept", map[string]any{"responder": "responders/w1"}, http.StatusForbidden, nil)
	w1 := asResponderHandler(h, "w1")
	mustDo(t, w1, "POST", "/v1/offers/nope:accept", map[string]any{"responder": "responders/w1"}, http.StatusNotFound, nil)
	mustDo(t, w1, "POST", "/v1/offers/nope:decline", map[string]any{"responder": "bad"}, http.StatusBadRequest, nil)
	mustDo(t, w1, "POST", "/v1/"+inc.GetName()+":withdraw", map[string]any{"responder": "responders/w1"}, http.StatusNotFound, nil)
	mustDo(t, w1, "POST", "/v1/"+inc.GetName()+":assign", map[string]any{"responder": "responders/w1"}, http.StatusForbidden, nil)
	mustDo(t, h, "POST", "/v1/"+inc.GetName()+":transition", map[string]any{"state": "INCIDENT_STATE_NEW"}, http.StatusBadRequest, nil)
	mustDo(t, w1, "POST", "/v1/"+inc.GetName()+":cancel", map[string]any{}, http.StatusForbidden, nil)
}

// TestGatewayWatchOffersNDJSON reads a responder's offers over HTTP: the
// gateway streams one JSON object per line.
func TestGatewayWatchOffersNDJSON(t *testing.T) {
	e := newDispatchEnv(t, dispatch.Policy{})
	srv := httptest.NewServer(e.gateway(t))
	t.Cleanup(srv.Close)
	e.mustPlace(t, map[string]*gridwatchv1.LatLng{"w1": metresNorth(100)})
	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/v1/responders/w1/offers:watch", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(principalHeader(auth.Principal{Subject: "w1", Role: RoleVolunteer}))
	created := make(chan *gridwatchv1.Incident, 1)
	go func() { // the gateway answers only once the first event is out
		for deadline := time.Now().Add(5 * time.Second); e.events.Watchers() == 0 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		inc, err := e.dispatch.CreateIncident(t.Context(), newIncident("ndjson"))
		if err != nil {
			t.Error(err)
		}
		created <- inc
	}()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	if !sc.Scan() {
		t.Fatalf("no line: %v", sc.Err())
	}
	var line struct {
		Result struct {
			Event struct {
				Type  string `json:"type"`
				Offer string `json:"offer"`
			} `json:"event"`
			Incident struct {
				Name string `json:"name"`
			} `json:"incident"`
		} `json:"result"`
	}
	if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
		t.Fatalf("line %s: %v", sc.Bytes(), err)
	}
	inc := <-created
	if line.Result.Event.Type != "INCIDENT_EVENT_TYPE_OFFERED" || line.Result.Incident.Name != inc.GetName() ||
		line.Result.Event.Offer == "" {
		t.Errorf("line: %s", sc.Bytes())
	}
}
