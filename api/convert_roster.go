package api

import (
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/grid"
)

// postToProto returns p as a message.
func postToProto(p grid.WatchPost) *gridwatchv1.WatchPost {
	return &gridwatchv1.WatchPost{
		Name:         resourceName(watchPosts, p.ID),
		DisplayName:  p.Name,
		Position:     latLngToProto(p.Position),
		Cell:         cellString(p.Cell),
		StaffedHours: p.StaffedHours.String(),
	}
}

// compoundToProto returns c as a message.
func compoundToProto(c grid.Compound) *gridwatchv1.Compound {
	return &gridwatchv1.Compound{
		Name:        resourceName(compounds, c.ID),
		DisplayName: c.Name,
		Position:    latLngToProto(c.Position),
		Cell:        cellString(c.Cell),
		Households:  int32(c.Households),
		HasBoundary: c.Boundary != nil,
	}
}

// responderToProto returns r as a message.
func responderToProto(r grid.Responder) *gridwatchv1.Responder {
	return &gridwatchv1.Responder{
		Name:        resourceName(responders, r.ID),
		DisplayName: r.Name,
		Kind:        responderKindToProto(r.Kind),
		TravelMode:  travelModeToProto(r.TravelMode),
		HomeGrid:    resourceName(policeGrids, r.HomeGrid),
		Compound:    resourceName(compounds, r.Compound),
		WatchPost:   resourceName(watchPosts, r.Post),
	}
}

// quotaToProto returns q as a message.
func quotaToProto(q grid.CompoundQuota) *gridwatchv1.CompoundStaffing {
	return &gridwatchv1.CompoundStaffing{
		Compound:        compoundToProto(q.Compound),
		WatchVolunteers: int32(q.WatchVolunteers),
		Required:        grid.MinWatchVolunteers,
	}
}

// mapAll returns f of each item.
func mapAll[T, M any](items []T, f func(T) M) []M {
	out := make([]M, len(items))
	for i, it := range items {
		out[i] = f(it)
	}
	return out
}
