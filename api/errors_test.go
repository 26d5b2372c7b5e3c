package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
)

func TestToStatus(t *testing.T) {
	secret := errors.New("dial tcp 10.1.2.3:6379: connection refused")
	cases := []struct {
		name       string
		err        error
		code       codes.Code
		msg        string
		violations []string
	}{
		{"field error", &geo.FieldError{Field: "point", Reason: "latitude is NaN"},
			codes.InvalidArgument, "point: latitude is NaN", []string{"point"}},
		{"wrapped field error", fmt.Errorf("geojson: %w", &geo.FieldError{Field: "features[2]", Reason: "no id"}),
			codes.InvalidArgument, "geojson: features[2]: no id", []string{"features[2]"}},
		{"joined field errors", errors.Join(invalid("a", "x"), invalid("b", "y")),
			codes.InvalidArgument, "a: x\nb: y", []string{"a", "b"}},
		{"invalid without a field", fmt.Errorf("bad datum: %w", geo.ErrInvalid),
			codes.InvalidArgument, "bad datum: invalid geometry", nil},
		{"not found", fmt.Errorf("grid %q: %w", "a", grid.ErrNotFound), codes.NotFound, `grid "a": not found`, nil},
		{"failed precondition", fmt.Errorf("resolution 8: %w", grid.ErrFailedPrecondition),
			codes.FailedPrecondition, "resolution 8: failed precondition", nil},
		{"not on shift", fmt.Errorf("ending the shift of %q: %w", "w1", presence.ErrNotOnShift),
			codes.FailedPrecondition, `ending the shift of "w1": responder is not on shift`, nil},
		{"unavailable hides the cause", fmt.Errorf("%w: %w", grid.ErrUnavailable, secret),
			codes.Unavailable, "store unavailable; retry later", nil},
		{"deadline", fmt.Errorf("reading: %w", context.DeadlineExceeded), codes.DeadlineExceeded, "deadline exceeded", nil},
		{"deadline before unavailable", fmt.Errorf("%w: %w", grid.ErrUnavailable, context.DeadlineExceeded),
			codes.DeadlineExceeded, "deadline exceeded", nil},
		{"dispatch conflict", fmt.Errorf("accepting offer o1: %w", dispatch.ErrConflict),
			codes.Aborted, "accepting offer o1: conflict", nil},
		{"offer expired", fmt.Errorf("accepting offer o1: %w", dispatch.ErrExpired),
			codes.Aborted, "accepting offer o1: offer expired: conflict", nil},
		{"responder busy", dispatch.ErrBusy, codes.Aborted, "responder holds an assignment: conflict", nil},
		{"invalid transition", fmt.Errorf("moving i1: %w", dispatch.ErrInvalidTransition),
			codes.FailedPrecondition, "moving i1: invalid transition: failed precondition", nil},
		{"permission denied", fmt.Errorf("assigning: %w", errPermissionDenied),
			codes.PermissionDenied, "assigning: permission denied", nil},
		{"canceled", context.Canceled, codes.Canceled, "request canceled", nil},
		{"internal hides the cause", secret, codes.Internal, "internal error", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := status.Convert(toStatus(tc.err))
			if st.Code() != tc.code || st.Message() != tc.msg {
				t.Errorf("got %v %q, want %v %q", st.Code(), st.Message(), tc.code, tc.msg)
			}
			if got := fieldViolationsOf(st.Err()); !slices.Equal(got, tc.violations) {
				t.Errorf("field violations: got %q, want %q", got, tc.violations)
			}
		})
	}
	if toStatus(nil) != nil {
		t.Error("toStatus(nil) != nil")
	}
}
