package grid

import (
	"fmt"
	"strings"
	"unicode"
)

// MaxIDLength bounds every identifier (AIP-122 resource IDs).
const MaxIDLength = 128

// CheckID validates an identifier of a unit, grid, post, compound or
// responder: 1 to 128 printable characters, no '/', no spaces.
func CheckID(field, id string) error {
	switch {
	case id == "":
		return invalid(field, "required")
	case len(id) > MaxIDLength:
		return invalid(field, fmt.Sprintf("longer than %d bytes", MaxIDLength))
	case strings.ContainsRune(id, '/'):
		return invalid(field, fmt.Sprintf("%q contains '/'", id))
	}
	for _, r := range id {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return invalid(field, fmt.Sprintf("%q contains a space or control character", id))
		}
	}
	return nil
}

// dupCheck remembers IDs and reports the second use of one.
type dupCheck map[string]string

func (d dupCheck) add(field, id string) error {
	if prev, ok := d[id]; ok {
		return invalid(field, fmt.Sprintf("duplicate id %q (first at %s)", id, prev))
	}
	d[id] = field
	return nil
}
