package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCLIAuditList(t *testing.T) {
	addr, _ := startDispatchServer(t)
	out, err := run(t, addr, "incidents", "create", "--lat", "41.80", "--lng", "123.40", "--category", "noise",
		"--severity", "2", "-o", "json", "--token", tokenFor(t, "dispatcher"))
	if err != nil {
		t.Fatal(err)
	}
	name, _ := jsonObject(t, out)["name"].(string)
	tests := []struct {
		args    []string
		want    int // records listed
		wantErr string
	}{
		{[]string{"--action", "dispatch.CreateIncident"}, 2, ""},
		{[]string{"--action", "dispatch.CreateIncident", "--page-size", "1", "--all"}, 2, ""},
		{[]string{"--object", name}, 1, ""},
		{[]string{"--since", "1h", "--action", "dispatch.CreateIncident"}, 2, ""},
		{[]string{"--until", "1h", "--action", "dispatch.CreateIncident"}, 0, ""},
		{[]string{"--since", time.Now().Add(time.Hour).Format(time.RFC3339)}, 0, ""},
		{[]string{"--actor", "nobody"}, 0, ""},
		{[]string{"--since", "yesterday"}, 0, "--since"},
		{[]string{"--page-size", "-1"}, 0, "page_size"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			args := append([]string{"audit", "list", "--token", tokenFor(t, "admin"), "-o", "json"}, tt.args...)
			out, err := run(t, addr, args...)
			if got := errText(err); tt.wantErr == "" && err != nil || !strings.Contains(got, tt.wantErr) {
				t.Fatalf("err: got %q, want %q", got, tt.wantErr)
			}
			if tt.wantErr != "" {
				return
			}
			var resp struct {
				AuditRecords []struct {
					Action, Role, Cell, Outcome string
					Objects                     []string
				} `json:"audit_records"`
			}
			if err := json.Unmarshal([]byte(out), &resp); err != nil {
				t.Fatalf("%q: %v", out, err)
			}
			if len(resp.AuditRecords) != tt.want {
				t.Fatalf("%d records, want %d: %s", len(resp.AuditRecords), tt.want, out)
			}
			for _, r := range resp.AuditRecords {
				if r.Action == "dispatch.CreateIncident" && (r.Role != "dispatcher" || r.Cell == "") {
					t.Errorf("record %+v: want by a dispatcher, with a cell", r)
				}
				if r.Outcome == "OK" && !slices.Contains(r.Objects, name) {
					t.Errorf("outcome %+v does not name %s", r, name)
				}
			}
		})
	}
	if _, err := run(t, addr, "audit", "list", "--token", tokenFor(t, "dispatcher")); !strings.Contains(errText(err), "PermissionDenied") {
		t.Errorf("audit list as a dispatcher: %v, want PermissionDenied", err)
	}
	out, err = run(t, addr, "audit", "list", "--token", tokenFor(t, "admin"), "--action", "dispatch.CreateIncident")
	if err != nil || !strings.HasPrefix(out, "TIME") || !strings.Contains(out, "(attempt)") {
		t.Errorf("table: %q, %v", out, err)
	}
}
