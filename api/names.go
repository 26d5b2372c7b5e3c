package api

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// The collections of the API's resource names.
const (
	policeGrids    = "policeGrids"
	communityGrids = "communityGrids"
	units          = "units"
	watchPosts     = "watchPosts"
	compounds      = "compounds"
	responders     = "responders"
)

// invalid returns a field error, which matches grid.ErrInvalid.
func invalid(field, reason string) error {
	return &geo.FieldError{Field: field, Reason: reason}
}

// invalidf is invalid with a formatted reason.
func invalidf(field, format string, args ...any) error {
	return invalid(field, fmt.Sprintf(format, args...))
}

// maxQuoted caps the characters of a client's value quoted in an error.
const maxQuoted = 64

// clip returns s quoted, cut to maxQuoted characters.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q…", string([]rune(s)[:maxQuoted]))
}

// resourceName returns "{collection}/{id}", or "" for an empty id (an
// optional reference that is not set).
func resourceName(collection, id string) string {
	if id == "" {
		return ""
	}
	return collection + "/" + id
}

// parseName returns the id of name, which must be "{collection}/{id}".
func parseName(field, name, collection string) (string, error) {
	if name == "" {
		return "", invalid(field, "required")
	}
	id, ok := strings.CutPrefix(name, collection+"/")
	if !ok {
		return "", invalidf(field, "%s is not a %s name (want %s/{id})", clip(name), collection, collection)
	}
	if err := grid.CheckID(field, id); err != nil {
		return "", err
	}
	return id, nil
}

// parseOptionalName is parseName for a reference that may be empty.
func parseOptionalName(field, name, collection string) (string, error) {
	if name == "" {
		return "", nil
	}
	return parseName(field, name, collection)
}

// gridCollection returns the collection of grids of kind k.
func gridCollection(k grid.Kind) string {
	if k == grid.Community {
		return communityGrids
	}
	return policeGrids
}

// gridName returns the resource name of a grid.
func gridName(k grid.Kind, id string) string {
	return resourceName(gridCollection(k), id)
}

// parseGridName returns the kind and id of "policeGrids/{grid}" or
// "communityGrids/{grid}".
func parseGridName(field, name string) (grid.Kind, string, error) {
	if name == "" {
		return grid.KindUnspecified, "", invalid(field, "required")
	}
	for _, k := range grid.Kinds {
		c := gridCollection(k)
		if strings.HasPrefix(name, c+"/") {
			id, err := parseName(field, name, c)
			return k, id, err
		}
	}
	return grid.KindUnspecified, "", invalidf(field,
		"%s is not a grid name (want %s/{id} or %s/{id})", clip(name), policeGrids, communityGrids)
}
