package presence_test

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/presence/presencetest"
	"github.com/gridwatch/gridwatch/store/memory"
)

// t0 is the tests' start of time, 08:00 in Shenyang.
var (
	cst = time.FixedZone("CST", 8*3600)
	t0  = time.Date(2025, 6, 1, 8, 0, 0, 0, cst)
)

// centre is in Heping District; the test locator puts the police grid P1
// north of it (inclusive) and P2 south.
var centre = presencetest.Shenyang

var roster = presencetest.Roster{
	"co1":    {ID: "co1", Kind: grid.CommunityOfficer, TravelMode: grid.Bike, HomeGrid: "P1"},
	"co2":    {ID: "co2", Kind: grid.CommunityOfficer, TravelMode: grid.Bike},
	"v1":     {ID: "v1", Kind: grid.WatchVolunteer, TravelMode: grid.Walk, HomeGrid: "P1"},
	"v2":     {ID: "v2", Kind: grid.WatchVolunteer, TravelMode: grid.Walk},
	"v3":     {ID: "v3", Kind: grid.WatchVolunteer, TravelMode: grid.Walk},
	"patrol": {ID: "patrol", Kind: grid.PatrolOfficer},
	"guard":  {ID: "guard", Kind: grid.SecurityGuard, TravelMode: grid.Walk},
}

func locator(p geo.LatLng) (police, community string) {
	if p.Lat >= centre.Lat {
		return "P1", "C1"
	}
	return "P2", ""
}

// fixture is a service over a memory engine on a fake clock.
type fixture struct {
	svc   *presence.Service
	clock *presencetest.Clock
}

func newFixture(t *testing.T, cfg presence.Config, log *slog.Logger) fixture {
	t.Helper()
	clock := presencetest.NewClock(t0)
	cfg.Now = clock.Now
	if cfg.Location == nil {
		cfg.Location = cst
	}
	svc, err := presence.NewService(memory.NewPresence(), roster, presencetest.Locator(locator), cfg, log)
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	return fixture{svc: svc, clock: clock}
}

// north returns the point m metres north of the centre (south if negative).
func north(m float64) geo.LatLng {
	return geo.LatLng{Lat: centre.Lat + m/(6371008.8*math.Pi/180), Lng: centre.Lng}
}

func (f fixture) start(t *testing.T, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, err := f.svc.StartShift(context.Background(), id); err != nil {
			t.Fatalf("StartShift(%s): %v", id, err)
		}
	}
}

// report sends an update fixed a second before the clock and requires it
// applied.
func (f fixture) report(t *testing.T, id string, p geo.LatLng) {
	t.Helper()
	u := presence.Update{ResponderID: id, Position: p, AccuracyM: 5, FixTime: f.clock.Now().Add(-time.Second)}
	if applied, err := f.svc.Report(context.Background(), u); err != nil || !applied {
		t.Fatalf("Report(%s) = %v, %v; want true, nil", id, applied, err)
	}
}

// fieldOf returns the field an invalid-argument error names, or fails.
func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var fe *geo.FieldError
	if !errors.Is(err, grid.ErrInvalid) || !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a field error matching grid.ErrInvalid", err)
	}
	return fe.Field
}

// ids lists a circle's responders.
func ids(c presence.Circle) []string {
	out := []string{}
	for _, r := range c.Responders {
		out = append(out, r.ID)
	}
	return out
}
