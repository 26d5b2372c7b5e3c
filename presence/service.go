package presence

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// Service runs shifts, location updates, the nearest-responder search and
// the time in own grid over a Store. It is safe for concurrent use.
type Service struct {
	st     Store
	roster Roster
	grids  GridLocator
	cfg    Config
	log    *slog.Logger

	radius [4]float64 // search reach per travel mode, metres
	bounds *etaBounds // cheap ETA bounds when the model is Linear, else nil
	days   atomic.Pointer[dayCache]
	cells  cellCache
	pool   sync.Pool // *scratch
}

// NewService returns a service over st. roster resolves responders at the
// start of a shift; grids tells whether a community officer is inside their
// own grid. A nil log discards.
func NewService(st Store, roster Roster, grids GridLocator, cfg Config, log *slog.Logger) (*Service, error) {
	if st == nil || roster == nil || grids == nil {
		return nil, errors.New("presence: store, roster and grid locator are required")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{st: st, roster: roster, grids: grids, cfg: cfg, log: log}
	last := cfg.Circles[len(cfg.Circles)-1]
	for _, mode := range []grid.TravelMode{grid.Walk, grid.Bike, grid.Car} {
		s.radius[mode] = searchRadius(cfg.Model.Reach(mode, last))
	}
	if lin, ok := cfg.Model.(Linear); ok {
		s.bounds = newETABounds(lin, s.radius)
	}
	s.pool.New = func() any { return new(scratch) }
	return s, nil
}

// searchRadius adds a safety margin to a model's reach so that rounding
// never costs a responder whose ETA is exactly on the outer circle.
func searchRadius(reach float64) float64 {
	if !(reach > 0) {
		return 0
	}
	return reach*(1+1e-9) + 1
}

// StartShift opens the responder's shift as Available, without a position
// until the first update. Starting a shift already open returns it
// unchanged. An id not on the roster is an error wrapping grid.ErrNotFound.
func (s *Service) StartShift(ctx context.Context, id string) (Record, error) {
	if err := grid.CheckID("responder_id", id); err != nil {
		return Record{}, err
	}
	r, err := s.roster.Responder(ctx, id)
	if err != nil {
		return Record{}, fmt.Errorf("starting the shift of %q: %w", id, err)
	}
	mode := r.TravelMode
	if mode < grid.Walk || mode > grid.Car {
		mode = defaultTravelMode(r.Kind)
	}
	rec, err := s.st.StartShift(ctx, Record{ID: id, Kind: r.Kind, Mode: mode, HomeGrid: r.HomeGrid,
		Status: Available, ShiftStart: s.cfg.Now()})
	if err != nil {
		return Record{}, fmt.Errorf("starting the shift of %q: %w", id, err)
	}
	s.log.InfoContext(ctx, "shift started", "responder", id, "kind", rec.Kind.String())
	return rec, nil
}

// defaultTravelMode is the mode of a responder whose roster entry names
// none, as package grid assigns it on import.
func defaultTravelMode(k grid.ResponderKind) grid.TravelMode {
	if k == grid.PatrolOfficer || k == grid.Reinforcement {
		return grid.Car
	}
	return grid.Walk
}

// EndShift closes the shift and drops the position; the time in own grid
// stays. It returns the record as it was.
func (s *Service) EndShift(ctx context.Context, id string) (Record, error) {
	if err := grid.CheckID("responder_id", id); err != nil {
		return Record{}, err
	}
	rec, err := s.st.EndShift(ctx, id)
	if err != nil {
		return Record{}, fmt.Errorf("ending the shift of %q: %w", id, err)
	}
	s.log.InfoContext(ctx, "shift ended", "responder", id, "cell", rec.Cell.String())
	return rec, nil
}

// SetStatus sets Available or Busy; any other status is an error matching
// grid.ErrInvalid (ending a shift is EndShift).
func (s *Service) SetStatus(ctx context.Context, id string, st Status) error {
	if err := grid.CheckID("responder_id", id); err != nil {
		return err
	}
	if st != Available && st != Busy {
		return invalid("status", fmt.Sprintf("%s cannot be set (want available or busy)", st))
	}
	if err := s.st.SetStatus(ctx, id, st); err != nil {
		return fmt.Errorf("setting the status of %q: %w", id, err)
	}
	s.log.DebugContext(ctx, "status set", "responder", id, "status", st.String())
	return nil
}

// Get returns an on-shift responder's record, or an error wrapping
// ErrNotOnShift.
func (s *Service) Get(ctx context.Context, id string) (Record, error) {
	if err := grid.CheckID("responder_id", id); err != nil {
		return Record{}, err
	}
	rec, err := s.st.Get(ctx, id)
	if err != nil {
		return Record{}, fmt.Errorf("reading responder %q: %w", id, err)
	}
	return rec, nil
}

// OwnGridDay returns a responder's time on shift and inside their own grid
// on day (YYYY-MM-DD in Config.Location; "" is today). Only community
// officers accrue it; others, and days without updates, read zeros.
func (s *Service) OwnGridDay(ctx context.Context, id, day string) (OwnGridDay, error) {
	if err := grid.CheckID("responder_id", id); err != nil {
		return OwnGridDay{}, err
	}
	if day == "" {
		day = s.today(s.cfg.Now())
	} else if _, err := time.ParseInLocation(dayLayout, day, s.cfg.Location); err != nil {
		return OwnGridDay{}, invalid("day", fmt.Sprintf("%q is not a date YYYY-MM-DD", day))
	}
	d, err := s.st.OwnGridDay(ctx, id, day)
	if err != nil {
		return OwnGridDay{}, fmt.Errorf("reading the time in own grid of %q on %s: %w", id, day, err)
	}
	d.ResponderID, d.Day = id, day
	return d, nil
}

// invalid returns a field error matching grid.ErrInvalid.
func invalid(field, reason string) error {
	return &geo.FieldError{Field: field, Reason: reason}
}
