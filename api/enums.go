package api

import (
	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// enumMap maps the defined values of a domain enum to the proto enum's;
// values it lacks map to the zero (unspecified) value either way.
type enumMap[D, P comparable] map[D]P

// toProto returns the proto value of d.
func (m enumMap[D, P]) toProto(d D) P { return m[d] }

// fromProto returns the domain value of p.
func (m enumMap[D, P]) fromProto(p P) D {
	for d, q := range m {
		if q == p {
			return d
		}
	}
	var zero D
	return zero
}

var kinds = enumMap[grid.Kind, gridwatchv1.GridKind]{
	grid.Police:    gridwatchv1.GridKind_GRID_KIND_POLICE,
	grid.Community: gridwatchv1.GridKind_GRID_KIND_COMMUNITY,
}

var unitTypes = enumMap[grid.UnitType, gridwatchv1.UnitType]{
	grid.UnitCity:     gridwatchv1.UnitType_UNIT_TYPE_CITY,
	grid.UnitDistrict: gridwatchv1.UnitType_UNIT_TYPE_DISTRICT,
	grid.UnitStation:  gridwatchv1.UnitType_UNIT_TYPE_STATION,
}

var responderKinds = enumMap[grid.ResponderKind, gridwatchv1.ResponderKind]{
	grid.CommunityOfficer: gridwatchv1.ResponderKind_RESPONDER_KIND_COMMUNITY_OFFICER,
	grid.PatrolOfficer:    gridwatchv1.ResponderKind_RESPONDER_KIND_PATROL_OFFICER,
	grid.WatchPostStaff:   gridwatchv1.ResponderKind_RESPONDER_KIND_WATCH_POST_STAFF,
	grid.WatchVolunteer:   gridwatchv1.ResponderKind_RESPONDER_KIND_WATCH_VOLUNTEER,
	grid.SafetyVolunteer:  gridwatchv1.ResponderKind_RESPONDER_KIND_SAFETY_VOLUNTEER,
	grid.SecurityGuard:    gridwatchv1.ResponderKind_RESPONDER_KIND_SECURITY_GUARD,
	grid.Reinforcement:    gridwatchv1.ResponderKind_RESPONDER_KIND_REINFORCEMENT,
}

var travelModes = enumMap[grid.TravelMode, gridwatchv1.TravelMode]{
	grid.Walk: gridwatchv1.TravelMode_TRAVEL_MODE_WALK,
	grid.Bike: gridwatchv1.TravelMode_TRAVEL_MODE_BIKE,
	grid.Car:  gridwatchv1.TravelMode_TRAVEL_MODE_CAR,
}

// datums maps the datums; DATUM_UNSPECIFIED is WGS-84 (see datumFromProto).
var datums = enumMap[geo.Datum, gridwatchv1.Datum]{
	geo.WGS84: gridwatchv1.Datum_DATUM_WGS84,
	geo.GCJ02: gridwatchv1.Datum_DATUM_GCJ02,
	geo.BD09:  gridwatchv1.Datum_DATUM_BD09,
}

var importFormats = enumMap[grid.Format, gridwatchv1.ImportFormat]{
	grid.FormatCSV:     gridwatchv1.ImportFormat_IMPORT_FORMAT_CSV,
	grid.FormatGeoJSON: gridwatchv1.ImportFormat_IMPORT_FORMAT_GEOJSON,
}

func kindToProto(k grid.Kind) gridwatchv1.GridKind         { return kinds.toProto(k) }
func kindFromProto(k gridwatchv1.GridKind) grid.Kind       { return kinds.fromProto(k) }
func unitTypeToProto(t grid.UnitType) gridwatchv1.UnitType { return unitTypes.toProto(t) }
func formatFromProto(f gridwatchv1.ImportFormat) grid.Format {
	return importFormats.fromProto(f)
}

func responderKindToProto(k grid.ResponderKind) gridwatchv1.ResponderKind {
	return responderKinds.toProto(k)
}

func travelModeToProto(m grid.TravelMode) gridwatchv1.TravelMode {
	return travelModes.toProto(m)
}

// datumFromProto returns the datum d names; DATUM_UNSPECIFIED is WGS-84.
func datumFromProto(d gridwatchv1.Datum) geo.Datum {
	if d == gridwatchv1.Datum_DATUM_UNSPECIFIED {
		return geo.WGS84
	}
	return datums.fromProto(d)
}
