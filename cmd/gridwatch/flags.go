package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

func parseDatum(s string) (gridwatchv1.Datum, error) {
	switch strings.ToLower(strings.ReplaceAll(s, "-", "")) {
	case "", "wgs84":
		return gridwatchv1.Datum_DATUM_WGS84, nil
	case "gcj02":
		return gridwatchv1.Datum_DATUM_GCJ02, nil
	case "bd09":
		return gridwatchv1.Datum_DATUM_BD09, nil
	}
	return 0, fmt.Errorf("--datum %q: want wgs84, gcj02 or bd09", s)
}

func parseKind(s string) (gridwatchv1.GridKind, error) {
	switch strings.ToLower(s) {
	case "police":
		return gridwatchv1.GridKind_GRID_KIND_POLICE, nil
	case "community":
		return gridwatchv1.GridKind_GRID_KIND_COMMUNITY, nil
	}
	return 0, fmt.Errorf("--kind %q: want police or community", s)
}

// kindCollection is the resource collection of a grid kind.
func kindCollection(k gridwatchv1.GridKind) string {
	if k == gridwatchv1.GridKind_GRID_KIND_COMMUNITY {
		return "communityGrids/"
	}
	return "policeGrids/"
}

// readUpload reads a file and tells its format from the extension
// (.csv, .geojson or .json).
func readUpload(path string) (string, gridwatchv1.ImportFormat, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", 0, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return string(b), gridwatchv1.ImportFormat_IMPORT_FORMAT_CSV, nil
	case ".geojson", ".json":
		return string(b), gridwatchv1.ImportFormat_IMPORT_FORMAT_GEOJSON, nil
	}
	return string(b), gridwatchv1.ImportFormat_IMPORT_FORMAT_UNSPECIFIED, nil
}

// resourceName prefixes a bare ID with its collection.
func resourceName(collection, id string) string {
	if strings.HasPrefix(id, collection) {
		return id
	}
	return collection + id
}
