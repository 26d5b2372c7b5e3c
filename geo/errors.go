package geo

import (
	"errors"
	"strconv"
)

// ErrInvalid is matched (via errors.Is) by every validation error of this
// package.
var ErrInvalid = errors.New("invalid geometry")

// FieldError reports an invalid value and names the offending field, e.g.
// Field "features[3].geometry.coordinates[0][12]" and Reason "latitude is
// NaN". Field is "" when the error concerns the document as a whole.
type FieldError struct{ Field, Reason string }

// Error returns "field: reason", or just the reason when Field is empty.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalid, so that
// errors.Is(err, ErrInvalid) holds for every *FieldError.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// indexField appends an index to a field path: indexField("a", 3) == "a[3]".
func indexField(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}
