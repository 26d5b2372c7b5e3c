package api

import (
	"context"
	"errors"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/auth"
	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

// The API's own errors, besides the domains' sentinels.
var (
	// errPermissionDenied is a caller whose role may not make the call.
	errPermissionDenied = errors.New("permission denied")
	// errRateLimited is a caller over one of its rate limits.
	errRateLimited = errors.New("rate limit exceeded")
	// errTooManyStreams is a caller holding as many open streams as it
	// may.
	errTooManyStreams = errors.New("too many open streams")
)

// retryError is an error the client may retry after a while, which its
// status says in a google.rpc.RetryInfo detail. Its message replaces the
// text of err.
type retryError struct {
	err   error
	after time.Duration
	msg   string
}

func (e *retryError) Error() string { return e.msg }
func (e *retryError) Unwrap() error { return e.err }

// errorRule maps errors matching err (errors.Is) to a status code.
type errorRule struct {
	err  error
	code codes.Code
	// message, when set, is sent instead of the error's own text, which may
	// name hosts or other internals.
	message string
	// log marks errors the server's operators need to see.
	log bool
}

// errorTable is the one mapping of domain errors to status codes, tried in
// order. The context errors come first: a store call cut short by the
// client's deadline is a deadline, whatever the engine made of it.
var errorTable = []errorRule{
	{err: context.DeadlineExceeded, code: codes.DeadlineExceeded, message: "deadline exceeded"},
	{err: context.Canceled, code: codes.Canceled, message: "request canceled"},
	// An audit record that could not be written: the call was not carried
	// out (a mutation did not run, a read of positions sent nothing).
	{err: audit.ErrUnrecorded, code: codes.Unavailable,
		message: "audit trail unavailable: the call was not carried out; retry later", log: true},
	{err: audit.ErrInvalid, code: codes.InvalidArgument},
	{err: grid.ErrInvalid, code: codes.InvalidArgument},
	{err: grid.ErrNotFound, code: codes.NotFound},
	{err: grid.ErrFailedPrecondition, code: codes.FailedPrecondition},
	{err: presence.ErrNotOnShift, code: codes.FailedPrecondition},
	// Lost dispatch races; dispatch.ErrExpired and ErrBusy match it. The
	// client re-reads and decides (AIP-193: ABORTED is a concurrency
	// conflict).
	{err: dispatch.ErrConflict, code: codes.Aborted},
	// Missing, malformed, forged or expired credentials, and a token of
	// another kind than access (a rating token).
	{err: auth.ErrUnauthenticated, code: codes.Unauthenticated},
	{err: auth.ErrNotAccessToken, code: codes.Unauthenticated},
	{err: errPermissionDenied, code: codes.PermissionDenied},
	{err: errRateLimited, code: codes.ResourceExhausted},
	{err: errTooManyStreams, code: codes.ResourceExhausted},
	{err: grid.ErrUnavailable, code: codes.Unavailable, message: "store unavailable; retry later", log: true},
}

// internalRule is the rule of every error the table does not match.
var internalRule = errorRule{code: codes.Internal, message: "internal error", log: true}

// maxFieldViolations bounds the field violations attached to one status.
const maxFieldViolations = 100

// ruleFor returns the first rule err matches.
func ruleFor(err error) errorRule {
	for _, r := range errorTable {
		if errors.Is(err, r.err) {
			return r
		}
	}
	return internalRule
}

// toStatus turns a domain or check error into a gRPC status error. Invalid
// input carries an errdetails.BadRequest with a field violation for each
// *geo.FieldError in err; a *retryError an errdetails.RetryInfo.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	r := ruleFor(err)
	msg := r.message
	if msg == "" {
		msg = err.Error()
	}
	st := status.New(r.code, msg)
	var detail protoadapt.MessageV1
	var re *retryError
	switch {
	case r.code == codes.InvalidArgument:
		if v := fieldViolations(err, nil); len(v) > 0 {
			detail = &errdetails.BadRequest{FieldViolations: v}
		}
	case errors.As(err, &re) && re.after > 0:
		detail = &errdetails.RetryInfo{RetryDelay: durationpb.New(re.after)}
	}
	if detail == nil {
		return st.Err()
	}
	detailed, derr := st.WithDetails(detail)
	if derr != nil {
		return st.Err()
	}
	return detailed.Err()
}

// fieldViolations appends a violation for each *geo.FieldError in err's
// tree, including errors joined with errors.Join, up to maxFieldViolations.
func fieldViolations(err error, v []*errdetails.BadRequest_FieldViolation) []*errdetails.BadRequest_FieldViolation {
	if err == nil || len(v) >= maxFieldViolations {
		return v
	}
	if fe, ok := err.(*geo.FieldError); ok {
		return append(v, &errdetails.BadRequest_FieldViolation{Field: fe.Field, Description: fe.Reason})
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return fieldViolations(u.Unwrap(), v)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			v = fieldViolations(e, v)
		}
	}
	return v
}
