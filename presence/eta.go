package presence

import (
	"fmt"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// Model estimates travel times. The default is Linear; a better model
// (per-cell speeds, a road graph) replaces it by implementing this.
type Model interface {
	// ETA returns the estimated seconds for a responder of kind and mode at
	// from to reach to, and the straight-line distance in metres.
	ETA(kind grid.ResponderKind, mode grid.TravelMode, from, to geo.LatLng) (etaS, distM float64)
	// Reach bounds the straight-line metres a responder of mode can cover
	// in seconds; the search looks no further.
	Reach(mode grid.TravelMode, seconds float64) float64
}

// Linear is the documented default model:
//
//	eta_seconds = haversine_metres × Circuity / speed(mode) + Mobilisation(kind)
//
// with the Earth radius 6,371,008.8 m.
type Linear struct {
	Circuity     float64                              // detour factor of streets over the straight line; default 1.3
	SpeedKmh     map[grid.TravelMode]float64          // default walk 5, bike 15, car 30
	Mobilisation map[grid.ResponderKind]time.Duration // default 0 for every kind
}

// DefaultLinear returns the default model.
func DefaultLinear() Linear {
	return Linear{
		Circuity: 1.3,
		SpeedKmh: map[grid.TravelMode]float64{grid.Walk: 5, grid.Bike: 15, grid.Car: 30},
	}
}

// Validate rejects a model that cannot rank anyone.
func (m Linear) Validate() error {
	if m.Circuity < 1 {
		return fmt.Errorf("presence: circuity %v < 1", m.Circuity)
	}
	for _, mode := range []grid.TravelMode{grid.Walk, grid.Bike, grid.Car} {
		if m.SpeedKmh[mode] <= 0 {
			return fmt.Errorf("presence: speed of %s must be > 0", mode)
		}
	}
	for k, d := range m.Mobilisation {
		if d < 0 {
			return fmt.Errorf("presence: mobilisation of %s is negative", k)
		}
	}
	return nil
}

// ETA implements Model.
func (m Linear) ETA(kind grid.ResponderKind, mode grid.TravelMode, from, to geo.LatLng) (float64, float64) {
	d := geo.Haversine(from, to)
	return d*m.Circuity/(m.SpeedKmh[mode]/3.6) + m.Mobilisation[kind].Seconds(), d
}

// Reach implements Model: mobilisation only shortens it, so it is ignored.
func (m Linear) Reach(mode grid.TravelMode, seconds float64) float64 {
	return seconds * m.SpeedKmh[mode] / 3.6 / m.Circuity
}
