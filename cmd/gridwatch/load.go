package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/spf13/cobra"
)

// loadFlags are the flags every load test shares.
type loadFlags struct {
	responders int
	prefix     string
	lat, lng   float64
	radiusKm   float64
	duration   time.Duration
	skipSetup  bool
	seed       uint64

	areaFile     string    // --area
	areaDatum    string    // --area-datum
	areaFeatures []string  // --area-features
	area         *loadArea // read from areaFile by resolveArea; nil for the square
}

func (f *loadFlags) add(c *cobra.Command, responders int) {
	c.Flags().IntVar(&f.responders, "responders", responders, "synthetic responders to put on shift")
	c.Flags().StringVar(&f.prefix, "prefix", "load-", "id prefix of the synthetic responders")
	c.Flags().Float64Var(&f.lat, "lat", 41.80, "latitude of the centre of the square (WGS-84; ignored with --area)")
	c.Flags().Float64Var(&f.lng, "lng", 123.43, "longitude of the centre of the square (WGS-84; ignored with --area)")
	c.Flags().Float64Var(&f.radiusKm, "radius-km", 10, "half-side of the square the responders are spread over (ignored with --area)")
	c.Flags().StringVar(&f.areaFile, "area", "",
		"GeoJSON FeatureCollection of Polygon or MultiPolygon features: the area instead of the square")
	c.Flags().StringVar(&f.areaDatum, "area-datum", "wgs84", "datum of the --area file's coordinates: wgs84, gcj02 or bd09")
	c.Flags().StringSliceVar(&f.areaFeatures, "area-features", nil, "ids of the --area features to use, comma-separated (default: all)")
	c.Flags().DurationVar(&f.duration, "duration", 10*time.Second, "how long to measure")
	c.Flags().BoolVar(&f.skipSetup, "skip-setup", false, "the responders are already on the roster, on shift and placed")
	c.Flags().Uint64Var(&f.seed, "seed", 1, "seed of the synthetic positions")
}

func (a *app) loadCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "load",
		Short: "Load-test a server: location ingest over streams, or FindResponders latency",
		Long: "Both tests first put --responders synthetic responders (ids --prefix00001…) on the\n" +
			"roster and on shift at random positions (skip with --skip-setup), and \"load find\"\n" +
			"searches at random points of the same area. The area is the square of half-side\n" +
			"--radius-km around --lat --lng, or with --area the polygons of a GeoJSON file (only\n" +
			"the features --area-features, if given), e.g. Shenyang's nine urban districts:\n\n" +
			"  gridwatch load find --area testdata/shenyang/districts.geojson --area-datum gcj02 \\\n" +
			"    --area-features 210102,210103,210104,210105,210106,210111,210112,210113,210114\n\n" +
			"Points are uniform in the area and fixed by --seed, so --skip-setup finds the same\n" +
			"responders again. Kinds and travel modes follow the city mix of the presence\n" +
			"benchmarks. Run the tests against a server of their own: they add to its roster.",
	}
	c.AddCommand(a.loadIngestCmd(), a.loadFindCmd())
	return c
}

// kindMix is the share of each kind and travel mode of synthetic
// responder, the city mix of the presence benchmarks
// (presencetest.CityResponder): watch volunteers 40% (walk 80%, bike 20%),
// safety volunteers 25% (walk or bike), watch post staff 10% and security
// guards 10% (walk), community officers 5% (bike or car), patrol officers
// 8% and reinforcements 2% (car). The shares sum to 1.
var kindMix = []struct {
	kind  gridwatchv1.ResponderKind
	mode  gridwatchv1.TravelMode
	share float64
}{
	{gridwatchv1.ResponderKind_RESPONDER_KIND_WATCH_VOLUNTEER, gridwatchv1.TravelMode_TRAVEL_MODE_WALK, 0.32},
	{gridwatchv1.ResponderKind_RESPONDER_KIND_WATCH_VOLUNTEER, gridwatchv1.TravelMode_TRAVEL_MODE_BIKE, 0.08},
	{gridwatchv1.ResponderKind_RESPONDER_KIND_SAFETY_VOLUNTEER, gridwatchv1.TravelMode_TRAVEL_MODE_WALK, 0.125},
	{gridwatchv1.ResponderKind_RESPONDER_KIND_SAFETY_VOLUNTEER, gridwatchv1.TravelMode_TRAVEL_MODE_BIKE, 0.125},
	{gridwatchv1.ResponderKind_RESPONDER_KIND_WATCH_POST_STAFF, gridwatchv1.TravelMode_TRAVEL_MODE_WALK, 0.10},
	{gridwatchv1.ResponderKind_RESPONDER_KIND_SECURITY_GUARD, gridwatchv1.TravelMode_TRAVEL_MODE_WALK, 0.10},
	{gridwatchv1.ResponderKind_RESPONDER_KIND_COMMUNITY_OFFICER, gridwatchv1.TravelMode_TRAVEL_MODE_BIKE, 0.025},
	{gridwatchv1.ResponderKind_RESPONDER_KIND_COMMUNITY_OFFICER, gridwatchv1.TravelMode_TRAVEL_MODE_CAR, 0.025},
	{gridwatchv1.ResponderKind_RESPONDER_KIND_PATROL_OFFICER, gridwatchv1.TravelMode_TRAVEL_MODE_CAR, 0.08},
	{gridwatchv1.ResponderKind_RESPONDER_KIND_REINFORCEMENT, gridwatchv1.TravelMode_TRAVEL_MODE_CAR, 0.02},
}

// syntheticRows returns f.responders responders spread uniformly over f's
// area, with kinds by kindMix. The rows are fixed by f.seed.
func (f *loadFlags) syntheticRows() []positionRow {
	rng := rand.New(rand.NewPCG(f.seed, 0x9e3779b97f4a7c15))
	rows := make([]positionRow, f.responders)
	for i := range rows {
		k := kindMix[len(kindMix)-1]
		x := rng.Float64()
		for _, m := range kindMix {
			if x < m.share {
				k = m
				break
			}
			x -= m.share
		}
		rows[i] = positionRow{line: i + 1, id: fmt.Sprintf("%s%05d", f.prefix, i+1), kind: k.kind, mode: k.mode,
			pos: f.randomPoint(rng)}
	}
	return rows
}

// randomPoint returns a point uniformly in f's area: the polygons of
// --area if given, else the square.
func (f *loadFlags) randomPoint(rng *rand.Rand) *gridwatchv1.LatLng {
	if f.area != nil {
		return f.area.point(rng)
	}
	dLat := f.radiusKm / 111.195
	dLng := dLat / math.Cos(f.lat*math.Pi/180)
	return &gridwatchv1.LatLng{Latitude: f.lat + (2*rng.Float64()-1)*dLat, Longitude: f.lng + (2*rng.Float64()-1)*dLng}
}

// resolveArea reads --area, if given, into f.area; --area-datum and
// --area-features need it.
func (f *loadFlags) resolveArea(c *cobra.Command) error {
	if f.areaFile == "" {
		for _, name := range []string{"area-datum", "area-features"} {
			if c.Flags().Changed(name) {
				return fmt.Errorf("--%s needs --area", name)
			}
		}
		return nil
	}
	var err error
	f.area, err = readLoadArea(f.areaFile, f.areaDatum, f.areaFeatures)
	return err
}

// setup reads the area and puts the synthetic responders on shift at
// their positions.
func (a *app) setup(ctx context.Context, c *cobra.Command, f *loadFlags) ([]positionRow, error) {
	if err := f.resolveArea(c); err != nil {
		return nil, err
	}
	rows := f.syntheticRows()
	if f.skipSetup {
		return rows, nil
	}
	start := time.Now()
	res, err := a.loadPositions(ctx, rows, gridwatchv1.Datum_DATUM_WGS84)
	if err != nil {
		return nil, fmt.Errorf("setting up: %w", err)
	}
	if res.Applied+res.IgnoredOlder != len(rows) {
		return nil, fmt.Errorf("setting up: %d of %d positions rejected, e.g. %v", res.Rejected, len(rows), res.Errors)
	}
	fmt.Fprintf(c.ErrOrStderr(), "setup: %d responders on shift (%d added to the roster) in %v\n",
		len(rows), res.AddedToRoster, time.Since(start).Round(time.Millisecond))
	return rows, nil
}

// latencies summarises durations in milliseconds.
type latencies struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// summarise sorts ds and returns its percentiles.
func summarise(ds []time.Duration) latencies {
	if len(ds) == 0 {
		return latencies{}
	}
	slices.Sort(ds)
	at := func(q float64) float64 {
		i := min(len(ds)-1, int(q*float64(len(ds))))
		return float64(ds[i]) / float64(time.Millisecond)
	}
	return latencies{Count: len(ds), P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: at(1)}
}
