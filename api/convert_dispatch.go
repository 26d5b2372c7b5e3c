package api

import (
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/gridwatch/gridwatch/dispatch"
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// Collections of the dispatch resources.
const (
	incidents = "incidents"
	offers    = "offers"
)

// The dispatch enums of the proto number their values as the domain's do
// (dispatch/enums.go), so they convert by value; dispatch_test.go checks
// that every name matches.

// incidentStateToProto returns s as a proto enum.
func incidentStateToProto(s dispatch.State) gridwatchv1.IncidentState {
	return gridwatchv1.IncidentState(s)
}

// stamp returns t as a timestamp, or nil for the zero time.
func stamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// incidentToProto returns inc as a message; the caller's hash is never
// returned.
func incidentToProto(inc *dispatch.Incident) *gridwatchv1.Incident {
	m := &gridwatchv1.Incident{
		Name: resourceName(incidents, inc.ID), Category: inc.Category,
		Severity: int32(inc.Severity), Position: latLngToProto(inc.Position),
		Cell: cellString(inc.Cell), Address: inc.Address, Description: inc.Description,
		Source: gridwatchv1.IncidentSource(inc.Source), State: incidentStateToProto(inc.State),
		CreateTime: stamp(inc.CreatedAt), RequestId: inc.RequestID,
		Slots:       make([]*gridwatchv1.Slot, len(inc.Slots)),
		Offers:      make([]*gridwatchv1.Offer, len(inc.Offers)),
		Assignments: make([]*gridwatchv1.Assignment, len(inc.Assignments)),
		Timeline:    make([]*gridwatchv1.IncidentEvent, len(inc.Timeline)),
	}
	for i, s := range inc.Slots {
		m.Slots[i] = slotToProto(s)
	}
	for i, o := range inc.Offers {
		m.Offers[i] = offerToProto(o)
	}
	for i, a := range inc.Assignments {
		m.Assignments[i] = assignmentToProto(a)
	}
	for i, e := range inc.Timeline {
		m.Timeline[i] = eventToProto(e)
	}
	return m
}

// slotToProto returns s as a message; circles count from 1 in the API.
func slotToProto(s dispatch.Slot) *gridwatchv1.Slot {
	m := &gridwatchv1.Slot{Index: int32(s.Index), Circle: int32(s.Circle + 1),
		State: gridwatchv1.SlotState(s.State), Assignee: resourceName(responders, s.Assignee),
		Kinds: make([]gridwatchv1.ResponderKind, len(s.Kinds))}
	for i, k := range s.Kinds {
		m.Kinds[i] = responderKindToProto(k)
	}
	return m
}

// offerToProto returns o as a message.
func offerToProto(o dispatch.Offer) *gridwatchv1.Offer {
	return &gridwatchv1.Offer{
		Name: resourceName(offers, o.ID), Incident: resourceName(incidents, o.IncidentID),
		Slot: int32(o.SlotIndex), Responder: resourceName(responders, o.ResponderID),
		Circle: int32(o.Circle + 1), OfferTime: stamp(o.OfferedAt), ExpireTime: stamp(o.ExpiresAt),
		State: gridwatchv1.OfferState(o.State), CloseTime: stamp(o.ClosedAt),
	}
}

// assignmentToProto returns a as a message.
func assignmentToProto(a dispatch.Assignment) *gridwatchv1.Assignment {
	m := &gridwatchv1.Assignment{
		Responder: resourceName(responders, a.ResponderID), Slot: int32(a.SlotIndex),
		Circle: int32(a.Circle + 1), Manual: a.Manual, Offer: resourceName(offers, a.OfferID),
		AcceptTime: stamp(a.AcceptedAt), ArriveTime: stamp(a.ArrivedAt),
		TargetMet: a.TargetMet, ReleaseTime: stamp(a.ReleasedAt), Withdrawn: a.Withdrawn,
	}
	if !a.ArrivedAt.IsZero() {
		m.TimeToScene = durationpb.New(a.TimeToScene)
	}
	return m
}

// eventToProto returns e as a message.
func eventToProto(e dispatch.Event) *gridwatchv1.IncidentEvent {
	return &gridwatchv1.IncidentEvent{
		Sequence: int32(e.Seq), EventTime: stamp(e.At), Type: gridwatchv1.IncidentEventType(e.Type),
		Actor: e.Actor, Responder: resourceName(responders, e.ResponderID), Slot: int32(e.Slot),
		Offer: resourceName(offers, e.OfferID), FromState: incidentStateToProto(e.From),
		ToState: incidentStateToProto(e.To), Note: e.Note,
	}
}
