package grid

import (
	"fmt"
	"strings"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/uber/h3-go/v4"
)

// SiteResolution is the H3 resolution at which posts and compounds are
// indexed (about 0.1 km² a cell).
const SiteResolution = 9

// WatchPost is a 平安守望岗 on a key street.
type WatchPost struct {
	ID           string
	Name         string
	Position     geo.LatLng // WGS-84
	Cell         h3.Cell    // at SiteResolution
	StaffedHours Hours
}

// Compound is a residential compound; watch volunteers are counted against it.
type Compound struct {
	ID         string
	Name       string
	Position   geo.LatLng   // WGS-84; the centroid when Boundary is set
	Boundary   *geo.Polygon // optional, WGS-84
	Cell       h3.Cell      // of Position, at SiteResolution
	Households int
}

// ResponderKind is what a responder is and so which response circle they
// usually serve.
type ResponderKind int

// The responder kinds.
const (
	ResponderKindUnspecified ResponderKind = iota
	CommunityOfficer
	PatrolOfficer
	WatchPostStaff
	WatchVolunteer
	SafetyVolunteer
	SecurityGuard
	Reinforcement
)

var responderKindNames = []string{"unspecified", "community_officer", "patrol_officer",
	"watch_post_staff", "watch_volunteer", "safety_volunteer", "security_guard", "reinforcement"}

// String returns the spelling used everywhere in the CLI and imports.
func (k ResponderKind) String() string {
	if k < 0 || int(k) >= len(responderKindNames) {
		return "unspecified"
	}
	return responderKindNames[k]
}

// ParseResponderKind reads a kind such as "watch_volunteer".
func ParseResponderKind(s string) (ResponderKind, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range responderKindNames[1:] {
		if s == n {
			return ResponderKind(i + 1), nil
		}
	}
	return ResponderKindUnspecified, fmt.Errorf("unknown responder kind %q (want one of %s)",
		s, strings.Join(responderKindNames[1:], ", "))
}

// TravelMode is how a responder moves.
type TravelMode int

// The travel modes.
const (
	TravelModeUnspecified TravelMode = iota
	Walk
	Bike
	Car
)

var travelModeNames = []string{"unspecified", "walk", "bike", "car"}

// String returns "walk", "bike" or "car".
func (m TravelMode) String() string {
	if m < 0 || int(m) >= len(travelModeNames) {
		return "unspecified"
	}
	return travelModeNames[m]
}

// ParseTravelMode reads "walk", "bike" or "car".
func ParseTravelMode(s string) (TravelMode, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range travelModeNames[1:] {
		if s == n {
			return TravelMode(i + 1), nil
		}
	}
	return TravelModeUnspecified, fmt.Errorf("unknown travel mode %q (want walk, bike or car)", s)
}

// Responder is one entry of the roster.
type Responder struct {
	ID         string
	Name       string
	Kind       ResponderKind
	TravelMode TravelMode
	HomeGrid   string // a police grid id, optional
	Compound   string // compound id, optional
	Post       string // watch post id, optional
}

// CompoundQuota is one line of the watch-volunteer quota report.
type CompoundQuota struct {
	Compound        Compound
	WatchVolunteers int
}

// MinWatchVolunteers is the quota of watch volunteers per compound.
const MinWatchVolunteers = 2
