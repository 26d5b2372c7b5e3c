package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/uber/h3-go/v4"
)

func TestCLIIncidentsList(t *testing.T) {
	addr, _ := startDispatchServer(t)
	var names []string // newest first
	for _, at := range [][2]string{{"41.80", "123.40"}, {"41.81", "123.41"}, {"39.90", "116.40"}} {
		out, err := run(t, addr, "incidents", "create", "--lat", at[0], "--lng", at[1], "--category", "noise",
			"--severity", "2", "-o", "json")
		if err != nil {
			t.Fatal(err)
		}
		name, _ := jsonObject(t, out)["name"].(string)
		names = append([]string{name}, names...)
	}
	if _, err := run(t, addr, "incidents", "cancel", names[1]); err != nil {
		t.Fatal(err)
	}
	shenyang, err := h3.LatLngToCell(h3.LatLng{Lat: 41.80, Lng: 123.40}, 5)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args    []string
		want    []string // the incidents listed, in order
		wantErr string
	}{
		{[]string{}, names, ""},
		{[]string{"--page-size", "1", "--all"}, names, ""},
		{[]string{"--page-size", "2"}, names[:2], ""},
		{[]string{"--state", "cancelled"}, names[1:2], ""},
		{[]string{"--state", "active"}, []string{names[0], names[2]}, ""},
		{[]string{"--state", "new,closed"}, nil, ""},
		{[]string{"--cell", shenyang.String(), "--page-size", "1", "--all"}, names[1:], ""},
		{[]string{"--state", "dispatching", "--cell", shenyang.String()}, names[2:], ""},
		{[]string{"--grid", "communityGrids/hp-c", "--page-size", "1", "--all"}, names[1:], ""},
		{[]string{"--grid", "communityGrids/hp-c", "--state", "cancelled"}, names[1:2], ""},
		{[]string{"--grid", "nope"}, nil, "InvalidArgument"},
		{[]string{"--state", "bogus"}, nil, "--state"},
		{[]string{"--cell", "zz"}, nil, "InvalidArgument"},
		{[]string{"--page-token", "nope"}, nil, "page_token"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := run(t, addr, append([]string{"incidents", "list"}, tt.args...)...)
			if got := errText(err); tt.wantErr == "" && err != nil || !strings.Contains(got, tt.wantErr) {
				t.Fatalf("err: got %q, want %q", got, tt.wantErr)
			}
			if tt.wantErr != "" {
				return
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if !strings.HasPrefix(lines[0], "NAME") {
				t.Fatalf("out %q: no header", out)
			}
			var got []string
			for _, l := range lines[1:] {
				got = append(got, strings.Fields(l)[0])
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("listed %v, want %v\n%s", got, tt.want, out)
			}
		})
	}
	checkOnePage(t, addr)
}

// checkOnePage lists one page of addr's incidents (at least three) in
// text and in JSON.
func checkOnePage(t *testing.T, addr string) {
	t.Helper()
	// The next page's token goes to stderr; the line shows the incident's
	// state and category.
	var out, errb bytes.Buffer
	err := realMain(context.Background(), []string{"incidents", "list", "--page-size", "1", "--server", addr},
		&out, &errb, testGetenv)
	if err != nil || !strings.Contains(errb.String(), "--page-token ") || !strings.Contains(out.String(), "dispatching") ||
		!strings.Contains(out.String(), "noise") || strings.Count(out.String(), "\n") != 2 {
		t.Errorf("one page: out %q, stderr %q, %v", out.String(), errb.String(), err)
	}
	// -o json prints the response: the incidents and the next page's token.
	js, err := run(t, addr, "incidents", "list", "--page-size", "2", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	m := jsonObject(t, js)
	if incs, _ := m["incidents"].([]any); len(incs) != 2 || m["next_page_token"] == "" || m["next_page_token"] == nil {
		t.Errorf("-o json: %v", m)
	}
}
