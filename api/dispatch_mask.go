package api

import (
	"context"

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
	m.Offers = keepOnly(m.GetOffers(), func(o *gridwatchv1.Offer) bool { return o.GetResponder() == self })
	m.Assignments = keepOnly(m.GetAssignments(), func(a *gridwatchv1.Assignment) bool { return a.GetResponder() == self })
	m.Timeline = keepOnly(m.GetTimeline(), func(e *gridwatchv1.IncidentEvent) bool {
		return e.GetResponder() == "" || e.GetResponder() == self
	})
	for _, sl := range m.GetSlots() {
		if sl.GetAssignee() != self {
			sl.Assignee = ""
		}
	}
	return m
}

// keepOnly returns the elements of xs for which ok holds, in order.
func keepOnly[T any](xs []T, ok func(T) bool) []T {
	out := xs[:0:0]
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}
