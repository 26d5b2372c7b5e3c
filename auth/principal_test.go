package auth

import (
	"context"
	"testing"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
		ok   bool
	}{
		{"volunteer", RoleVolunteer, true},
		{" Officer ", RoleOfficer, true},
		{"station_chief", RoleStationChief, true},
		{"station-chief", RoleStationChief, true},
		{"DISPATCHER", RoleDispatcher, true},
		{"admin", RoleAdmin, true},
		{"root", RoleVolunteer, false},
		{"", RoleVolunteer, false},
	}
	for _, tt := range tests {
		got, ok := ParseRole(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRole(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	for _, r := range Roles() {
		if got, ok := ParseRole(r.String()); !ok || got != r {
			t.Errorf("ParseRole(%v.String()) = %v, %v", r, got, ok)
		}
	}
	if got := Role(42).String(); got != "volunteer" {
		t.Errorf("Role(42).String() = %q, want volunteer", got)
	}
}

func TestContext(t *testing.T) {
	if _, ok := FromContext(context.Background()); ok {
		t.Fatal("FromContext(Background) found a principal")
	}
	want := Principal{Subject: "d1", Role: RoleDispatcher, Units: []string{"s1"}}
	got, ok := FromContext(NewContext(context.Background(), want))
	if !ok || got.Subject != want.Subject || got.Role != want.Role || !got.InUnits("s1") || got.InUnits("s2") {
		t.Errorf("FromContext = %+v, %v; want %+v", got, ok, want)
	}
	if got.InGrids("") || got.InUnits("") {
		t.Error("an empty id is in scope")
	}
}
