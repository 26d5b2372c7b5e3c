package api

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

func TestForCaller(t *testing.T) {
	full := &gridwatchv1.Incident{
		Name:  "incidents/i1",
		Slots: []*gridwatchv1.Slot{{Index: 0, Assignee: "responders/v1"}, {Index: 1, Assignee: "responders/v2"}},
		Offers: []*gridwatchv1.Offer{{Name: "offers/o1", Responder: "responders/v1"},
			{Name: "offers/o2", Responder: "responders/v2"}},
		Assignments: []*gridwatchv1.Assignment{{Responder: "responders/v1"}, {Responder: "responders/v2"}},
		Timeline: []*gridwatchv1.IncidentEvent{{Sequence: 1}, {Sequence: 2, Responder: "responders/v1"},
			{Sequence: 3, Responder: "responders/v2"}},
	}
	orig := proto.Clone(full)
	tests := []struct {
		name   string
		p      auth.Principal
		offers int
		events int
		slot1  string
	}{
		{"the volunteer v1", auth.Principal{Subject: "v1", Role: RoleVolunteer}, 1, 2, ""},
		{"a volunteer with no part", auth.Principal{Subject: "v9", Role: RoleVolunteer}, 0, 1, ""},
		{"a dispatcher", auth.Principal{Subject: "d1", Role: RoleDispatcher, Units: []string{"u"}}, 2, 3, "responders/v2"},
		{"an officer", auth.Principal{Subject: "p1", Role: RoleOfficer, Grids: []string{"g"}}, 2, 3, "responders/v2"},
	}
	for _, tt := range tests {
		got := forCaller(auth.NewContext(context.Background(), tt.p), full)
		if len(got.GetOffers()) != tt.offers || len(got.GetAssignments()) != tt.offers ||
			len(got.GetTimeline()) != tt.events || got.GetSlots()[1].GetAssignee() != tt.slot1 {
			t.Errorf("%s: offers %d, assignments %d, events %d, slot 1 %q; want %d, %d, %d, %q", tt.name,
				len(got.GetOffers()), len(got.GetAssignments()), len(got.GetTimeline()), got.GetSlots()[1].GetAssignee(),
				tt.offers, tt.offers, tt.events, tt.slot1)
		}
	}
	if !proto.Equal(full, orig) {
		t.Error("forCaller changed the incident it was given (watchers share it)")
	}
}
