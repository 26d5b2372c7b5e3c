package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestConsole serves the dispatch console on the server's port, ahead of
// the gateway and of Registrar.ExtraHTTP.
func TestConsole(t *testing.T) {
	extra := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "extra") })
	e := start(t, Config{}, Registrar{Gateway: testGateway, ExtraHTTP: map[string]http.Handler{"/": extra}})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		path         string
		wantCode     int
		wantType     string
		wantLocation string
		wantBody     string // substring
	}{
		{"/console/", http.StatusOK, "text/html; charset=utf-8", "", "gridwatch dispatch"},
		{"/console/api.js", http.StatusOK, "text/javascript; charset=utf-8", "", "X-Gridwatch-Role"},
		{"/console/app.js", http.StatusOK, "text/javascript; charset=utf-8", "", "IncidentWatch"},
		{"/console/style.css", http.StatusOK, "text/css; charset=utf-8", "", ""},
		{"/console", http.StatusFound, "", "/console/", ""},
		{"/console/nope", http.StatusNotFound, "", "", ""},
		{"/console/x/app.js", http.StatusNotFound, "", "", ""},
		{"/consoles", http.StatusOK, "", "", "extra"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := client.Get(e.url(tt.path))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantCode || !strings.Contains(string(body), tt.wantBody) {
				t.Fatalf("got %d %.80q, want %d with %q", resp.StatusCode, body, tt.wantCode, tt.wantBody)
			}
			if got := resp.Header.Get("Location"); got != tt.wantLocation {
				t.Errorf("Location %q, want %q", got, tt.wantLocation)
			}
			if tt.wantType == "" {
				return
			}
			if got := resp.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type %q, want %q", got, tt.wantType)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") ||
				strings.Contains(csp, "unsafe-inline") {
				t.Errorf("Content-Security-Policy %q, want script-src 'self' and nothing inline", csp)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", got)
			}
		})
	}
}
