package presence

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// dayLayout is the spelling of days: YYYY-MM-DD.
const dayLayout = "2006-01-02"

// Report applies one position update. The update must come from a
// responder on shift (else an error wrapping ErrNotOnShift); one whose
// FixTime is before the stored one is ignored: applied is false and the
// error nil. Invalid updates are errors matching grid.ErrInvalid naming
// "responder_id", "position", "accuracy_m" or "fix_time".
//
// For community officers the update also accrues the time in own grid: the
// interval since their previous update (at most StaleAfter) counts as on
// shift, and as inside if the previous position was in their home grid.
// Whether a position is in the home grid comes from the GridLocator; if
// that fails, so does the update.
func (s *Service) Report(ctx context.Context, u Update) (applied bool, err error) {
	applied, _, err = s.report(ctx, u)
	return applied, err
}

// report is Report that also tells whether the responder was Busy (held an
// assignment) when the update was applied, read from the record the update
// needs anyway.
func (s *Service) report(ctx context.Context, u Update) (applied, busy bool, err error) {
	now := s.cfg.Now()
	if err := s.checkUpdate(u, now); err != nil {
		return false, false, err
	}
	rec, err := s.st.Get(ctx, u.ResponderID)
	if err != nil {
		return false, false, fmt.Errorf("reporting the position of %q: %w", u.ResponderID, err)
	}
	if rec.HasFix && u.FixTime.Before(rec.FixTime) {
		return false, false, nil // older than what we have; the engine would ignore it too
	}
	m, err := s.move(ctx, rec, u, now)
	if err != nil {
		return false, false, err
	}
	if applied, err = s.st.Move(ctx, m); err != nil {
		return false, false, fmt.Errorf("reporting the position of %q: %w", u.ResponderID, err)
	}
	if applied && s.log.Enabled(ctx, slog.LevelDebug) {
		s.log.DebugContext(ctx, "position", "responder", u.ResponderID, "cell", m.Cell.String(), "inside", m.Inside)
	}
	return applied, applied && rec.Status == Busy, nil
}

// move builds the engine's Move for an update of rec's responder.
func (s *Service) move(ctx context.Context, rec Record, u Update, now time.Time) (Move, error) {
	cell, err := s.cells.cellOf(u.Position, rec.Cell, rec.HasFix)
	if err != nil {
		return Move{}, invalid("position", err.Error())
	}
	m := Move{Update: u, Cell: cell, SeenAt: now}
	if rec.Kind != grid.CommunityOfficer {
		return m, nil
	}
	m.TrackOwnGrid, m.AccrueCap, m.Day = true, s.cfg.StaleAfter, s.today(now)
	if rec.HomeGrid != "" {
		police, _, err := s.grids.GridIDs(ctx, u.Position)
		if err != nil {
			return Move{}, fmt.Errorf("locating the grid of %q at cell %v: %w", u.ResponderID, cell, err)
		}
		m.Inside = police == rec.HomeGrid
	}
	return m, nil
}

// checkUpdate validates an update received at now.
func (s *Service) checkUpdate(u Update, now time.Time) error {
	if err := grid.CheckID("responder_id", u.ResponderID); err != nil {
		return err
	}
	if err := geo.ValidateLatLng("position", u.Position); err != nil {
		return err
	}
	if math.IsNaN(u.AccuracyM) || math.IsInf(u.AccuracyM, 0) || u.AccuracyM < 0 {
		return invalid("accuracy_m", fmt.Sprintf("%v is not a finite number ≥ 0", u.AccuracyM))
	}
	if u.FixTime.IsZero() {
		return invalid("fix_time", "required")
	}
	if u.FixTime.After(now.Add(s.cfg.MaxFutureSkew)) {
		return invalid("fix_time", fmt.Sprintf("%s is more than %v ahead of the server's clock",
			u.FixTime.Format(time.RFC3339), s.cfg.MaxFutureSkew))
	}
	return nil
}

// ReportBatch applies updates in order and returns one result per update:
// nil when it was applied or ignored as older, else its error. A failed
// update does not stop the others.
func (s *Service) ReportBatch(ctx context.Context, us []Update) []error {
	_, _, errs := s.ReportBatchApplied(ctx, us)
	return errs
}

// ReportBatchApplied is ReportBatch that also tells, per update, whether it
// was applied, and whether its responder was Busy (holding an assignment)
// when it was: only those positions can mean an arrival on scene.
func (s *Service) ReportBatchApplied(ctx context.Context, us []Update) (applied, busy []bool, errs []error) {
	applied, busy, errs = make([]bool, len(us)), make([]bool, len(us)), make([]error, len(us))
	for i, u := range us {
		if err := ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		applied[i], busy[i], errs[i] = s.report(ctx, u)
	}
	return applied, busy, errs
}

// dayCache remembers the current day so that most updates need no
// calendar arithmetic.
type dayCache struct {
	start, end time.Time
	day        string
}

// today returns now's day in the configured time zone.
func (s *Service) today(now time.Time) string {
	if c := s.days.Load(); c != nil && !now.Before(c.start) && now.Before(c.end) {
		return c.day
	}
	y, m, d := now.In(s.cfg.Location).Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, s.cfg.Location)
	c := &dayCache{start: start, end: start.AddDate(0, 0, 1), day: start.Format(dayLayout)}
	s.days.Store(c)
	return c.day
}
