package grid

import (
	"errors"
	"fmt"

	"github.com/gridwatch/gridwatch/geo"
)

// Sentinel errors. The API layer maps them to status codes in one table.
var (
	// ErrInvalid marks bad input; the error text names the field.
	// It is geo.ErrInvalid so that geometry errors match it too.
	ErrInvalid = geo.ErrInvalid
	// ErrNotFound marks a missing unit, grid, post, compound or responder.
	ErrNotFound = errors.New("not found")
	// ErrFailedPrecondition marks a request that conflicts with stored state,
	// such as importing grids of a kind at a second resolution.
	ErrFailedPrecondition = errors.New("failed precondition")
)

// invalid returns a field error that matches ErrInvalid.
func invalid(field, reason string) error {
	return &geo.FieldError{Field: field, Reason: reason}
}

// notFound wraps ErrNotFound with what was missing.
func notFound(what, id string) error {
	return fmt.Errorf("%s %q: %w", what, id, ErrNotFound)
}

// ErrUnavailable marks an engine that does not answer (Redis down). Engines
// wrap their transport errors with it; the API maps it to UNAVAILABLE.
var ErrUnavailable = errors.New("store unavailable")

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
