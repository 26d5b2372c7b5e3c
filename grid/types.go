package grid

import (
	"fmt"
	"strings"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/uber/h3-go/v4"
)

// Kind tells police grids from community grids. A cell belongs to at most
// one grid of each kind.
type Kind int

// The grid kinds.
const (
	KindUnspecified Kind = iota
	Police
	Community
)

// Kinds lists the grid kinds in a fixed order.
var Kinds = []Kind{Police, Community}

// String returns the lower-case name used in the CLI and in store keys.
func (k Kind) String() string {
	switch k {
	case Police:
		return "police"
	case Community:
		return "community"
	}
	return "unspecified"
}

// ParseKind reads "police" or "community".
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "police":
		return Police, nil
	case "community":
		return Community, nil
	}
	return KindUnspecified, invalid("kind", fmt.Sprintf("unknown grid kind %q (want police or community)", s))
}

// UnitType is a level of the police hierarchy.
type UnitType int

// The unit levels, from the top.
const (
	UnitTypeUnspecified UnitType = iota
	UnitCity
	UnitDistrict
	UnitStation
)

// String returns the spelling used in imports and the CLI.
func (t UnitType) String() string {
	switch t {
	case UnitCity:
		return "city"
	case UnitDistrict:
		return "district"
	case UnitStation:
		return "station"
	}
	return "unspecified"
}

// ParseUnitType reads "city", "district" or "station".
func ParseUnitType(s string) (UnitType, error) {
	for _, t := range []UnitType{UnitCity, UnitDistrict, UnitStation} {
		if strings.EqualFold(strings.TrimSpace(s), t.String()) {
			return t, nil
		}
	}
	return UnitTypeUnspecified, fmt.Errorf("unknown unit type %q (want city, district or station)", s)
}

// Person is a named officer holding a post (实名定岗).
type Person struct {
	ID   string
	Name string
}

// IsZero reports whether no one holds the post.
func (p Person) IsZero() bool { return p.ID == "" && p.Name == "" }

// Unit is one node of the hierarchy city → district bureau → police station.
// Head is the unit's chief: for a station, the station chief of the
// responsibility chain.
type Unit struct {
	ID     string
	Type   UnitType
	Name   string
	Parent string // empty for the city
	Head   Person
}

// Grid is a police or community grid. Officer, TeamLeader and DeputyChief
// are the first three links of its responsibility chain; the fourth, the
// station chief, is the head of Unit when Unit is a station.
type Grid struct {
	Kind        Kind
	ID          string
	Name        string
	Unit        string // the parent unit, usually a police station
	Officer     Person // the grid's community officer
	TeamLeader  Person
	DeputyChief Person // the station's deputy chief for this area
	Resolution  int    // H3 resolution of its cells
	CellCount   int    // cells the grid owns after overlaps are resolved
	AreaM2      float64
}

// Chain is the "1+4+4" responsibility chain of a grid, from the grid officer
// up to the station chief.
type Chain struct {
	GridOfficer  Person
	TeamLeader   Person
	DeputyChief  Person
	StationChief Person
}

// Location answers the fused lookup for one point.
type Location struct {
	Point          geo.LatLng // WGS-84
	Cell           h3.Cell    // at the police grids' resolution, or 9
	PoliceGrid     *Grid      // nil where no police grid covers the point
	CommunityGrid  *Grid      // nil where no community grid covers the point
	PoliceChain    Chain
	CommunityChain Chain
}
