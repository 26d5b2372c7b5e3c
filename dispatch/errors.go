package dispatch

import (
	"errors"
	"fmt"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// Sentinel errors. The API maps them to status codes with errors.Is.
var (
	// ErrInvalid marks bad input; the text names the field. It is
	// grid.ErrInvalid (INVALID_ARGUMENT).
	ErrInvalid = grid.ErrInvalid
	// ErrNotFound marks a missing incident, offer or assignment. It is
	// grid.ErrNotFound (NOT_FOUND).
	ErrNotFound = grid.ErrNotFound
	// ErrConflict marks a lost race or a state that no longer allows the
	// call: the offer was already answered, the slot already filled
	// (ABORTED; the caller re-reads).
	ErrConflict = errors.New("conflict")
	// ErrExpired marks accepting an offer at or after its deadline. It
	// matches ErrConflict too.
	ErrExpired = fmt.Errorf("offer expired: %w", ErrConflict)
	// ErrBusy marks a responder who already holds an assignment. It
	// matches ErrConflict too.
	ErrBusy = fmt.Errorf("responder holds an assignment: %w", ErrConflict)
	// ErrInvalidTransition marks a move the state machine forbids. It
	// matches grid.ErrFailedPrecondition (FAILED_PRECONDITION).
	ErrInvalidTransition = fmt.Errorf("invalid transition: %w", grid.ErrFailedPrecondition)
	// ErrNotActive marks a call that needs an active incident (dispatching,
	// assigned or on scene) on one that is not. It matches
	// grid.ErrFailedPrecondition (FAILED_PRECONDITION).
	ErrNotActive = fmt.Errorf("incident not active: %w", grid.ErrFailedPrecondition)
)

// invalid returns a field error matching ErrInvalid.
func invalid(field, reason string) error {
	return &geo.FieldError{Field: field, Reason: reason}
}

// notFound wraps ErrNotFound with what was missing.
func notFound(what, id string) error {
	return fmt.Errorf("%s %q: %w", what, id, ErrNotFound)
}
