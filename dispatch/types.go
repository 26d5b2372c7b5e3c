package dispatch

import (
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

// CellResolution is the H3 resolution of Incident.Cell (cells of about
// 0.1 km², edge about 175 m), the resolution grids are imported at.
const CellResolution = 9

// Incident is one reported incident and everything that happened to it.
type Incident struct {
	ID          string
	RequestID   string // the creating request's id; a retry with it returns this incident
	Category    string // e.g. "dispute"; policy rules are keyed by it
	Severity    int    // 1 (minor) to 5 (life at risk)
	Position    geo.LatLng
	Cell        h3.Cell // of Position at CellResolution; what logs carry
	Address     string
	Description string
	Source      Source
	// CallerHash is the hex HMAC-SHA256 of the caller's normalised phone
	// number under the server's key; "" when no number was given. The
	// number itself is never stored.
	CallerHash  string
	State       State
	CreatedAt   time.Time
	Slots       []Slot
	Offers      []Offer      // every offer ever made, oldest first
	Assignments []Assignment // every assignment ever made, oldest first
	Timeline    []Event      // oldest first; Event.Seq is the index + 1
}

// Slot is one responder the policy asks for.
type Slot struct {
	Index    int
	Circle   int // 0-based circle drawn from: 0 is the 1-minute circle
	Kinds    []grid.ResponderKind
	State    SlotState
	Assignee string // the responder who filled it, while SlotFilled
}

// Offer is one slot offered to one responder.
type Offer struct {
	ID          string
	IncidentID  string
	SlotIndex   int
	ResponderID string
	Circle      int // the slot's circle when offered
	OfferedAt   time.Time
	ExpiresAt   time.Time // it may be accepted strictly before ExpiresAt
	State       OfferState
	ClosedAt    time.Time // when it left OfferPending
}

// Assignment is a responder holding a slot of an incident.
type Assignment struct {
	ResponderID string
	IncidentID  string
	SlotIndex   int
	Circle      int  // the circle the responder was drawn from
	Manual      bool // made by a dispatcher, not by accepting an offer
	OfferID     string
	AcceptedAt  time.Time
	ArrivedAt   time.Time     // zero until on scene
	TimeToScene time.Duration // ArrivedAt - the incident's CreatedAt
	TargetMet   bool          // TimeToScene within the circle's target
	ReleasedAt  time.Time     // zero while the responder holds it
	Withdrawn   bool          // released by withdrawing; the slot reopened
}

// Current reports whether the responder still holds the assignment.
func (a Assignment) Current() bool { return a.ReleasedAt.IsZero() }

// Event is one entry of an incident's timeline: who did what, when.
type Event struct {
	Seq         int // 1, 2, ... per incident
	At          time.Time
	Type        EventType
	Actor       string // a responder or dispatcher id, or ActorSystem
	ResponderID string // the responder concerned, if any
	Slot        int    // the slot concerned, or -1
	OfferID     string
	From, To    State // of EventTransition
	Note        string
}

// ActorSystem is the actor of what the service does by itself.
const ActorSystem = "system"

// Change is what a mutating store call returns: the incident after the
// call and the events the call appended to its timeline, in order.
type Change struct {
	Incident Incident
	Events   []Event
}

// Arrival asks the store to mark a responder on scene.
type Arrival struct {
	IncidentID  string
	ResponderID string
	At          time.Time
	// Target is the circle's time to scene, for Assignment.TargetMet.
	Target time.Duration
	Actor  string
	// Override replaces an arrival already recorded (a dispatcher's
	// correction); without it a second arrival changes nothing.
	Override bool
}
