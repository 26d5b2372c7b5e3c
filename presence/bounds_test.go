package presence

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
)

// TestExactIsLinearETA checks that the ranking's table-driven ETA equals
// Linear.ETA bit for bit, with and without mobilisation times, and that
// kinds and modes the tables lack fall back to the model.
func TestExactIsLinearETA(t *testing.T) {
	slow := DefaultLinear()
	slow.Circuity = 1.37
	slow.Mobilisation = map[grid.ResponderKind]time.Duration{grid.PatrolOfficer: 45 * time.Second, grid.SafetyVolunteer: 1500 * time.Millisecond}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, m := range []Linear{DefaultLinear(), slow} {
		b := newETABounds(m, [4]float64{0, 300, 1000, 2000})
		for range 10_000 {
			p := geo.LatLng{Lat: 41.5 + rng.Float64(), Lng: 123 + rng.Float64()}
			c := Candidate{Kind: grid.ResponderKind(1 + rng.IntN(7)), Mode: grid.TravelMode(1 + rng.IntN(3)),
				Position: geo.LatLng{Lat: p.Lat + rng.NormFloat64()*0.01, Lng: p.Lng + rng.NormFloat64()*0.01}}
			gotETA, gotDist, ok := b.exact(geo.NewTarget(p), &c)
			wantETA, wantDist := m.ETA(c.Kind, c.Mode, c.Position, p)
			if !ok || math.Float64bits(gotETA) != math.Float64bits(wantETA) || math.Float64bits(gotDist) != math.Float64bits(wantDist) {
				t.Fatalf("%+v to %v: got (%v, %v, %v), want (%v, %v)", c, p, gotETA, gotDist, ok, wantETA, wantDist)
			}
		}
		for _, c := range []Candidate{{Kind: 99, Mode: grid.Walk}, {Kind: grid.PatrolOfficer, Mode: 9}} {
			if _, _, ok := b.exact(geo.NewTarget(geo.LatLng{}), &c); ok {
				t.Errorf("%+v: exact claims a kind or mode its tables lack", c)
			}
		}
	}
}
