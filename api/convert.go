package api

import (
	"github.com/uber/h3-go/v4"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// This file turns domain values into messages; enums.go maps the enums and
// convert_roster.go converts sites and the roster.

// cellString returns an H3 cell in lowercase hex, or "" for none.
func cellString(c h3.Cell) string {
	if c == 0 {
		return ""
	}
	return c.String()
}

// latLngFromProto returns p as a geo.LatLng.
func latLngFromProto(p *gridwatchv1.LatLng) geo.LatLng {
	return geo.LatLng{Lat: p.GetLatitude(), Lng: p.GetLongitude()}
}

// latLngToProto returns p as a message.
func latLngToProto(p geo.LatLng) *gridwatchv1.LatLng {
	return &gridwatchv1.LatLng{Latitude: p.Lat, Longitude: p.Lng}
}

// personFromProto returns p as a grid.Person; nil is nobody.
func personFromProto(p *gridwatchv1.Person) grid.Person {
	return grid.Person{ID: p.GetId(), Name: p.GetDisplayName()}
}

// personToProto returns p as a message, nil for nobody.
func personToProto(p grid.Person) *gridwatchv1.Person {
	if p.IsZero() {
		return nil
	}
	return &gridwatchv1.Person{Id: p.ID, DisplayName: p.Name}
}

// gridToProto returns g as a message.
func gridToProto(g grid.Grid) *gridwatchv1.Grid {
	return &gridwatchv1.Grid{
		Name:        gridName(g.Kind, g.ID),
		Kind:        kindToProto(g.Kind),
		DisplayName: g.Name,
		Unit:        resourceName(units, g.Unit),
		Officer:     personToProto(g.Officer),
		TeamLeader:  personToProto(g.TeamLeader),
		DeputyChief: personToProto(g.DeputyChief),
		Resolution:  int32(g.Resolution),
		CellCount:   int32(g.CellCount),
		AreaKm2:     g.AreaM2 / 1e6,
	}
}

// gridNames returns the resource names of grids of kind k.
func gridNames(k grid.Kind, ids []string) []string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = gridName(k, id)
	}
	return names
}

// importReportToProto returns r as a message.
func importReportToProto(r grid.ImportReport) *gridwatchv1.ImportGridsResponse {
	resp := &gridwatchv1.ImportGridsResponse{
		Kind:             kindToProto(r.Kind),
		Resolution:       int32(r.Resolution),
		GridCount:        int32(r.Grids),
		CellCount:        int32(r.Cells),
		ReplacedGrids:    gridNames(r.Kind, r.Replaced),
		OverlapCellCount: int32(r.OverlapCells),
		GapCellCount:     int32(r.GapCells),
	}
	for _, o := range r.Overlaps {
		resp.Overlaps = append(resp.Overlaps, &gridwatchv1.GridOverlap{
			Grids:      gridNames(r.Kind, o.Grids[:]),
			CellCount:  int32(o.Cells),
			SampleCell: cellString(o.Sample),
		})
	}
	for _, g := range r.Gaps {
		resp.Gaps = append(resp.Gaps, &gridwatchv1.GridGap{
			Grids:      gridNames(r.Kind, g.Grids),
			CellCount:  int32(g.Cells),
			SampleCell: cellString(g.Sample),
		})
	}
	return resp
}

// chainToProto returns c as a message, nil when no one holds any link.
func chainToProto(c grid.Chain) *gridwatchv1.ResponsibilityChain {
	if c == (grid.Chain{}) {
		return nil
	}
	return &gridwatchv1.ResponsibilityChain{
		GridOfficer:  personToProto(c.GridOfficer),
		TeamLeader:   personToProto(c.TeamLeader),
		DeputyChief:  personToProto(c.DeputyChief),
		StationChief: personToProto(c.StationChief),
	}
}

// optionalGridToProto returns *g as a message, nil for nil.
func optionalGridToProto(g *grid.Grid) *gridwatchv1.Grid {
	if g == nil {
		return nil
	}
	return gridToProto(*g)
}

// locationToProto returns l as a message.
func locationToProto(l grid.Location) *gridwatchv1.LocatePointResponse {
	return &gridwatchv1.LocatePointResponse{
		Point:          latLngToProto(l.Point),
		Cell:           cellString(l.Cell),
		PoliceGrid:     optionalGridToProto(l.PoliceGrid),
		CommunityGrid:  optionalGridToProto(l.CommunityGrid),
		PoliceChain:    chainToProto(l.PoliceChain),
		CommunityChain: chainToProto(l.CommunityChain),
	}
}

// unitToProto returns u as a message.
func unitToProto(u grid.Unit) *gridwatchv1.Unit {
	return &gridwatchv1.Unit{
		Name:        resourceName(units, u.ID),
		Type:        unitTypeToProto(u.Type),
		DisplayName: u.Name,
		Parent:      resourceName(units, u.Parent),
		Head:        personToProto(u.Head),
	}
}
