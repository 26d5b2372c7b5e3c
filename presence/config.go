package presence

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// Roster finds a responder's roster entry; *grid.Service satisfies it. An
// unknown id is an error wrapping grid.ErrNotFound.
type Roster interface {
	Responder(ctx context.Context, id string) (grid.Responder, error)
}

// GridLocator answers which police and community grids cover a WGS-84 point
// ("" where none); *grid.Service satisfies it.
type GridLocator interface {
	GridIDs(ctx context.Context, p geo.LatLng) (police, community string, err error)
}

// Limits and defaults of the service.
const (
	// MaxLimit is the largest number of responders listed per circle.
	MaxLimit = 100
	// MaxCircleSeconds bounds the outermost circle (one hour).
	MaxCircleSeconds = 3600
	// maxCircles bounds how many circles a search answers.
	maxCircles = 8
)

// DefaultCircles are the 1-3-5 minute circles, in seconds (read only).
var DefaultCircles = []float64{60, 180, 300}

// Config holds the service's parameters. Zero fields take the defaults.
type Config struct {
	// StaleAfter is how long a responder without an update stays offered
	// work; default 60 s. It also caps the time one interval adds to the
	// time in own grid.
	StaleAfter time.Duration
	// Model estimates travel times; default DefaultLinear().
	Model Model
	// DefaultLimit is the responders listed per circle when a query names
	// no limit; default 10, at most MaxLimit.
	DefaultLimit int
	// Circles are the upper ETA bounds of the circles in seconds, strictly
	// increasing; default DefaultCircles. Circle i holds the responders
	// with Circles[i-1] < eta ≤ Circles[i]: the circles are disjoint bands.
	Circles []float64
	// Location is the time zone whose calendar days the time in own grid
	// is counted by; default time.Local.
	Location *time.Location
	// Now is the clock; default time.Now. Tests pass a fake clock.
	Now func() time.Time
	// MaxFutureSkew is how far a phone's FixTime may run ahead of the
	// server's clock before the update is rejected; default 5 minutes.
	MaxFutureSkew time.Duration
}

// withDefaults fills the zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.StaleAfter == 0 {
		c.StaleAfter = 60 * time.Second
	}
	if c.Model == nil {
		c.Model = DefaultLinear()
	}
	if c.DefaultLimit == 0 {
		c.DefaultLimit = 10
	}
	if c.Circles == nil {
		c.Circles = DefaultCircles
	}
	c.Circles = slices.Clone(c.Circles)
	if c.Location == nil {
		c.Location = time.Local
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MaxFutureSkew == 0 {
		c.MaxFutureSkew = 5 * time.Minute
	}
	return c, c.check()
}

// check rejects a configuration the service cannot work with.
func (c Config) check() error {
	switch {
	case c.StaleAfter < 0:
		return fmt.Errorf("presence: stale after %v is negative", c.StaleAfter)
	case c.DefaultLimit < 0 || c.DefaultLimit > MaxLimit:
		return fmt.Errorf("presence: default limit %d is outside [1, %d]", c.DefaultLimit, MaxLimit)
	case c.MaxFutureSkew < 0:
		return fmt.Errorf("presence: max future skew %v is negative", c.MaxFutureSkew)
	}
	if lin, ok := c.Model.(Linear); ok {
		if err := lin.Validate(); err != nil {
			return err
		}
	}
	return checkCircles(c.Circles)
}

// checkCircles requires 1 to maxCircles finite bounds, strictly increasing,
// in (0, MaxCircleSeconds].
func checkCircles(cs []float64) error {
	if len(cs) == 0 || len(cs) > maxCircles {
		return fmt.Errorf("presence: %d circles, want 1 to %d", len(cs), maxCircles)
	}
	prev := 0.0
	for i, s := range cs {
		if math.IsNaN(s) || s <= prev || s > MaxCircleSeconds {
			return fmt.Errorf("presence: circle %d (%v s) must exceed %v s and be at most %d s",
				i, s, prev, MaxCircleSeconds)
		}
		prev = s
	}
	return nil
}
