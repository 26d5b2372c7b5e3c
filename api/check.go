package api

import (
	"fmt"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// This file holds the checks of GridService requests and the checks every
// service shares; check_roster.go and mask.go hold the rest. Each
// check…Request validates a request and returns the domain's input.

// checkImportGridsRequest checks an ImportGrids request whose geojson may
// hold at most maxBytes.
func checkImportGridsRequest(req *gridwatchv1.ImportGridsRequest, maxBytes int) (grid.GridImport, error) {
	kind, err := checkGridKind("kind", req.GetKind())
	if err != nil {
		return grid.GridImport{}, err
	}
	if err := checkEnum("datum", req.GetDatum(), gridwatchv1.Datum_name); err != nil {
		return grid.GridImport{}, err
	}
	if err := checkResolution("resolution", req.GetResolution()); err != nil {
		return grid.GridImport{}, err
	}
	if err := checkData("geojson", req.GetGeojson(), maxBytes); err != nil {
		return grid.GridImport{}, err
	}
	unit, err := parseOptionalName("default_unit", req.GetDefaultUnit(), units)
	if err != nil {
		return grid.GridImport{}, err
	}
	return grid.GridImport{
		Kind:         kind,
		Datum:        datumFromProto(req.GetDatum()),
		Resolution:   int(req.GetResolution()),
		GeoJSON:      []byte(req.GetGeojson()),
		DefaultUnit:  unit,
		ValidateOnly: req.GetValidateOnly(),
	}, nil
}

// checkGetGridRequest returns the kind and id of the grid asked for.
func checkGetGridRequest(req *gridwatchv1.GetGridRequest) (grid.Kind, string, error) {
	return parseGridName("name", req.GetName())
}

// checkListGridsRequest returns the kind of grids to list and the page.
func checkListGridsRequest(req *gridwatchv1.ListGridsRequest) (grid.Kind, page, error) {
	kind, err := checkGridKind("kind", req.GetKind())
	if err != nil {
		return grid.KindUnspecified, page{}, err
	}
	p, err := checkPage(gridCollection(kind), req.GetPageSize(), req.GetPageToken())
	return kind, p, err
}

// checkLocatePointRequest returns the point to locate in WGS-84.
func checkLocatePointRequest(req *gridwatchv1.LocatePointRequest) (geo.LatLng, error) {
	if err := checkEnum("datum", req.GetDatum(), gridwatchv1.Datum_name); err != nil {
		return geo.LatLng{}, err
	}
	p, err := checkLatLng("point", req.GetPoint())
	if err != nil {
		return geo.LatLng{}, err
	}
	return geo.ToWGS84(datumFromProto(req.GetDatum()), p), nil
}

// checkLatLng returns p, which is required, finite and in range. Each
// coordinate is checked on its own so that the error names it, as
// "point.latitude".
func checkLatLng(field string, p *gridwatchv1.LatLng) (geo.LatLng, error) {
	if p == nil {
		return geo.LatLng{}, invalid(field, "required")
	}
	if err := geo.ValidateLatLng(field+".latitude", geo.LatLng{Lat: p.GetLatitude()}); err != nil {
		return geo.LatLng{}, err
	}
	if err := geo.ValidateLatLng(field+".longitude", geo.LatLng{Lng: p.GetLongitude()}); err != nil {
		return geo.LatLng{}, err
	}
	return latLngFromProto(p), nil
}

// checkImportUnitsRequest checks an ImportUnits request (CSV only).
func checkImportUnitsRequest(req *gridwatchv1.ImportUnitsRequest, maxBytes int) (grid.Upload, error) {
	return checkUpload(req, gridwatchv1.Datum_DATUM_UNSPECIFIED, maxBytes, csvOnly)
}

// checkGetUnitRequest returns the id of the unit asked for.
func checkGetUnitRequest(req *gridwatchv1.GetUnitRequest) (string, error) {
	return parseName("name", req.GetName(), units)
}

// checkListUnitsRequest returns the page of units asked for.
func checkListUnitsRequest(req *gridwatchv1.ListUnitsRequest) (page, error) {
	return checkPage(units, req.GetPageSize(), req.GetPageToken())
}

// checkGridKind returns the grid kind k, which is required.
func checkGridKind(field string, k gridwatchv1.GridKind) (grid.Kind, error) {
	if err := checkEnum(field, k, gridwatchv1.GridKind_name); err != nil {
		return grid.KindUnspecified, err
	}
	if k == gridwatchv1.GridKind_GRID_KIND_UNSPECIFIED {
		return grid.KindUnspecified, invalid(field, "required")
	}
	return kindFromProto(k), nil
}

// checkEnum reports a value that is not one of the enum's defined values.
func checkEnum[E ~int32](field string, v E, names map[int32]string) error {
	if _, ok := names[int32(v)]; !ok {
		return invalidf(field, "unknown value %d", int32(v))
	}
	return nil
}

// checkResolution reports a resolution other than 0 (the default) or one
// in grid.MinResolution..grid.MaxResolution.
func checkResolution(field string, r int32) error {
	if r != 0 && (r < grid.MinResolution || r > grid.MaxResolution) {
		return invalidf(field, "%d outside %d..%d (or 0 for the default)", r, grid.MinResolution, grid.MaxResolution)
	}
	return nil
}

// checkData reports uploaded data that is empty or over maxBytes.
func checkData(field, data string, maxBytes int) error {
	if data == "" {
		return invalid(field, "required")
	}
	if len(data) > maxBytes {
		return invalidf(field, "%s exceeds the %s limit", formatBytes(len(data)), formatBytes(maxBytes))
	}
	return nil
}

// formatBytes returns n in bytes, KiB or MiB for an error message.
func formatBytes(n int) string {
	const kib, mib = 1 << 10, 1 << 20
	switch {
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%d MiB", n/mib)
	case n >= mib:
		return fmt.Sprintf("%.1f MiB", float64(n)/mib)
	case n >= kib && n%kib == 0:
		return fmt.Sprintf("%d KiB", n/kib)
	case n >= kib:
		return fmt.Sprintf("%.1f KiB", float64(n)/kib)
	}
	return fmt.Sprintf("%d bytes", n)
}
