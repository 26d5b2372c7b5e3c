package presence

import (
	"context"
	"errors"
	"time"

	"github.com/uber/h3-go/v4"
)

// Sentinel errors; the API maps them to status codes.
var (
	// ErrNotOnShift: the responder has no shift open (FAILED_PRECONDITION).
	ErrNotOnShift = errors.New("responder is not on shift")
)

// Move is an accepted update as the service hands it to the engine.
type Move struct {
	Update
	Cell   h3.Cell   // of Position at IndexResolution
	SeenAt time.Time // server time now
	// Inside tells whether Position is inside the responder's home grid.
	Inside bool
	// TrackOwnGrid asks the engine to accrue time in own grid: the time
	// since the previous accepted update, capped at AccrueCap, is added to
	// Day's OnShiftS, and to its InsideS if the previous position was inside.
	TrackOwnGrid bool
	AccrueCap    time.Duration
	Day          string // YYYY-MM-DD of SeenAt in the service's time zone
}

// Store keeps the live records. Every method is atomic per responder: Move,
// SetStatus and EndShift on one responder never interleave (one lock in
// memory, Lua in Redis), and concurrent moves of different responders do not
// block each other more than the engine must.
type Store interface {
	// StartShift opens a shift: the record r (Status Available, no fix)
	// is stored unless the responder is already on shift, in which case the
	// stored record is kept and returned (retries are harmless).
	StartShift(ctx context.Context, r Record) (Record, error)
	// EndShift drops the record, position and all, and returns it; an error
	// wrapping ErrNotOnShift if there is none.
	EndShift(ctx context.Context, id string) (Record, error)
	// SetStatus sets Available or Busy; ErrNotOnShift if off shift.
	SetStatus(ctx context.Context, id string, s Status) error
	// Move applies m if the responder is on shift (else ErrNotOnShift) and
	// m.FixTime is not before the stored FixTime; an older update returns
	// applied false and changes nothing. It sets Position, Cell, AccuracyM,
	// FixTime, SeenAt, Inside and HasFix, moves the responder between
	// cells, and accrues time in own grid as Move describes.
	Move(ctx context.Context, m Move) (applied bool, err error)
	// Get returns the record of an on-shift responder, or ErrNotOnShift.
	Get(ctx context.Context, id string) (Record, error)
	// Nearby appends to buf the responders that are Available, HasFix,
	// seen at or after q.FreshSince, of a kind in q.Kinds (all if empty),
	// and within q.Radius[mode] metres (haversine) of q.Center. It may
	// include some slightly beyond the radius; never miss one inside.
	Nearby(ctx context.Context, q NearbyQuery, buf []Candidate) ([]Candidate, error)
	// OwnGridDay returns the day's counters (zeros if none).
	OwnGridDay(ctx context.Context, id, day string) (OwnGridDay, error)
}
