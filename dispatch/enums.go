package dispatch

import (
	"fmt"
	"strings"
)

// State is an incident's place in its life cycle.
type State int

// The incident states. See Transitions for the allowed moves.
const (
	StateUnspecified State = iota
	StateNew
	StateDispatching
	StateAssigned
	StateOnScene
	StateResolved
	StateClosed
	StateCancelled
)

var stateNames = []string{"unspecified", "new", "dispatching", "assigned", "on_scene",
	"resolved", "closed", "cancelled"}

// String returns the snake_case name, e.g. "on_scene".
func (s State) String() string { return name(stateNames, int(s)) }

// Active reports whether responders may be offered or hold the incident:
// dispatching, assigned or on scene.
func (s State) Active() bool {
	return s == StateDispatching || s == StateAssigned || s == StateOnScene
}

// SlotState is where a slot stands.
type SlotState int

// The slot states.
const (
	SlotUnspecified SlotState = iota
	SlotOpen                  // nobody holds it and no offer is pending
	SlotOffered               // at least one offer is pending
	SlotFilled                // a responder holds it
	SlotExhausted             // every circle ran out; waits for a dispatcher
)

var slotStateNames = []string{"unspecified", "open", "offered", "filled", "exhausted"}

// String returns "open", "offered", "filled" or "exhausted".
func (s SlotState) String() string { return name(slotStateNames, int(s)) }

// OfferState is where an offer stands.
type OfferState int

// The offer states. Only pending offers change.
const (
	OfferUnspecified OfferState = iota
	OfferPending
	OfferAccepted
	OfferDeclined
	OfferLapsed    // unanswered before it expired
	OfferWithdrawn // accepted, then the responder withdrew
	OfferRevoked   // the slot was filled otherwise or the incident ended
)

var offerStateNames = []string{"unspecified", "pending", "accepted", "declined", "lapsed",
	"withdrawn", "revoked"}

// String returns the snake_case name.
func (s OfferState) String() string { return name(offerStateNames, int(s)) }

// Source is how an incident was reported.
type Source int

// The sources.
const (
	SourceUnspecified Source = iota
	SourceCall110            // a 110 emergency call
	SourceConsole            // entered by a dispatcher
	SourceVolunteer          // reported by a watch volunteer's app
	SourcePatrol             // reported by a patrol
)

var sourceNames = []string{"unspecified", "call_110", "console", "volunteer", "patrol"}

// String returns "call_110", "console", "volunteer" or "patrol".
func (s Source) String() string { return name(sourceNames, int(s)) }

// ParseSource reads a source such as "call_110".
func ParseSource(s string) (Source, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range sourceNames[1:] {
		if s == n {
			return Source(i + 1), nil
		}
	}
	return SourceUnspecified, fmt.Errorf("unknown source %q (want one of %s)", s,
		strings.Join(sourceNames[1:], ", "))
}

// EventType is what a timeline event records.
type EventType int

// The event types.
const (
	EventUnspecified EventType = iota
	EventCreated
	EventTransition // From → To
	EventOffered
	EventAccepted
	EventDeclined
	EventLapsed
	EventRevoked   // a pending offer closed by someone else's accept, an assignment or the end
	EventAssigned  // a dispatcher assigned a responder by hand
	EventWithdrawn // a responder gave an accepted slot back
	EventReleased  // a responder's assignment ended
	EventArrived
	EventWidened   // a slot moved to the next circle (an alert)
	EventExhausted // a slot ran out of circles (an alert)
)

var eventTypeNames = []string{"unspecified", "created", "transition", "offered", "accepted",
	"declined", "lapsed", "revoked", "assigned", "withdrawn", "released", "arrived",
	"widened", "exhausted"}

// String returns the snake_case name.
func (t EventType) String() string { return name(eventTypeNames, int(t)) }

// Alert reports whether the console should be alerted: a slot widened to
// the next circle or ran out of them.
func (t EventType) Alert() bool { return t == EventWidened || t == EventExhausted }

func name(names []string, i int) string {
	if i < 0 || i >= len(names) {
		return names[0]
	}
	return names[i]
}

// transitions lists the allowed moves of the state machine.
var transitions = map[State][]State{
	StateNew:         {StateDispatching, StateCancelled},
	StateDispatching: {StateAssigned, StateCancelled},
	StateAssigned:    {StateOnScene, StateDispatching, StateResolved, StateCancelled},
	StateOnScene:     {StateResolved, StateCancelled},
	StateResolved:    {StateClosed},
}

// CanTransition reports whether the state machine allows from → to.
// assigned → dispatching happens when the last holder withdraws;
// assigned → resolved when a dispatcher resolves before anyone arrived.
func CanTransition(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}
