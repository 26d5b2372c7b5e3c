package presence

import (
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

// IndexResolution is the H3 resolution responders are indexed at (cells of
// about 0.74 km², edge about 460 m).
const IndexResolution = 8

// Status is a responder's availability.
type Status int

// The statuses. Only available, fresh responders are offered work.
const (
	StatusUnspecified Status = iota
	OffDuty
	Available
	Busy // holding an assignment
)

var statusNames = []string{"unspecified", "off_duty", "available", "busy"}

// String returns "off_duty", "available" or "busy".
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return "unspecified"
	}
	return statusNames[s]
}

// Record is the live state of one on-shift responder.
type Record struct {
	ID         string
	Kind       grid.ResponderKind
	Mode       grid.TravelMode
	HomeGrid   string // police grid ID, for time in own grid
	Status     Status
	ShiftStart time.Time
	HasFix     bool       // false until the first position arrives
	Position   geo.LatLng // WGS-84, latest only
	Cell       h3.Cell    // of Position at IndexResolution
	AccuracyM  float64
	FixTime    time.Time // the phone's timestamp of Position
	SeenAt     time.Time // server time of the last accepted update; staleness runs from here
	Inside     bool      // whether Position is inside HomeGrid (community officers)
}

// Update is one position report from a phone.
type Update struct {
	ResponderID string
	Position    geo.LatLng // WGS-84 (the API converts other datums)
	AccuracyM   float64
	FixTime     time.Time // the phone's clock
}

// Candidate is a responder an engine's Nearby returns: available, fresh and
// of a requested kind, within the query's radius for their mode (engines may
// return a few beyond it; the service filters exactly).
type Candidate struct {
	ID       string
	Kind     grid.ResponderKind
	Mode     grid.TravelMode
	Position geo.LatLng
	Cell     h3.Cell
}

// NearbyQuery asks an engine for the candidates around a point.
type NearbyQuery struct {
	Center geo.LatLng
	// Radius is the straight-line reach in metres for each travel mode,
	// indexed by grid.TravelMode; 0 skips the mode.
	Radius [4]float64
	// Kinds filters by responder kind; empty means every kind.
	Kinds []grid.ResponderKind
	// FreshSince excludes responders whose SeenAt is before it.
	FreshSince time.Time
}

// Circle is one of the 1-3-5 minute response circles.
type Circle struct {
	MaxETASeconds float64 // 60, 180, 300
	Responders    []Ranked
}

// Ranked is a responder in a circle.
type Ranked struct {
	Candidate
	ETASeconds float64
	DistanceM  float64
}

// OwnGridDay is a community officer's on-shift time on one day (in the
// server's time zone) and the part of it spent inside their own grid.
type OwnGridDay struct {
	ResponderID string
	Day         string // YYYY-MM-DD
	OnShiftS    float64
	InsideS     float64
}

// Share is InsideS / OnShiftS, or 0 with no time on shift.
func (d OwnGridDay) Share() float64 {
	if d.OnShiftS == 0 {
		return 0
	}
	return d.InsideS / d.OnShiftS
}
