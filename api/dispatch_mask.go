package api

import (
	"context"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/gridwatch/gridwatch/auth"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// forCaller returns inc as the caller of ctx may see it. A volunteer sees
// the incident (what, where, its state and slots) and their own part of
// it: their offers and assignments, the timeline events that concern them
// or no responder, and a slot's assignee only where it is them. Other
// responders' names stay with the police. Everyone else sees it all. inc
// is not changed: a masked copy is returned.
func forCaller(ctx context.Context, inc *gridwatchv1.Incident) *gridwatchv1.Incident {
	p, _ := auth.FromContext(ctx)
	if p.Role != auth.RoleVolunteer || inc == nil {
		return inc
	}
	self := resourceName(responders, p.Subject)
	m := proto.CloneOf(inc)
	m.Offers = slices.DeleteFunc(m.Offers, func(o *gridwatchv1.Offer) bool { return o.GetResponder() != self })
	m.Assignments = slices.DeleteFunc(m.Assignments, func(a *gridwatchv1.Assignment) bool { return a.GetResponder() != self })
	m.Timeline = slices.DeleteFunc(m.Timeline, func(e *gridwatchv1.IncidentEvent) bool {
		return e.GetResponder() != "" && e.GetResponder() != self
	})
	for _, sl := range m.GetSlots() {
		if sl.GetAssignee() != self {
			sl.Assignee = ""
		}
	}
	return m
}
