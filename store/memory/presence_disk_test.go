package memory

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

// TestDiskHoldsRadius checks the disks' safety on random points: every
// point within r of the query is in a cell of the chosen k-disk that the
// scan does not skip.
func TestDiskHoldsRadius(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := &Presence{cells: map[h3.Cell]*cellIndex{}, disks: newDiskCache(64)}
	for _, centre := range []geo.LatLng{{Lat: 41.8, Lng: 123.43}, {Lat: 0.01, Lng: -60}, {Lat: 70.5, Lng: 25}, {Lat: -45, Lng: 179.99}} {
		for _, r := range []float64{50, 400, 1923, 6000, 15000} {
			for range 20 {
				q := jitter(rng, centre, 5000)
				g := p.disks.near(q, r, p.attach)
				if g == nil {
					t.Fatalf("no disk at %v", q)
				}
				s := newSearch(presence.NearbyQuery{Center: q, Radius: [4]float64{0, r}})
				k := g.safeK(s.maxR, arcM(chord2(s.v, g.centre.v))*(1+1e-9)+1e-3)
				if k < 0 {
					t.Fatalf("radius %v at %v: no safe k in %d rings", r, q, len(g.clear))
				}
				checkDisk(t, rng, g.cells[:g.ringEnd[k]], &s, q, r)
			}
		}
	}
}

func checkDisk(t *testing.T, rng *rand.Rand, cells []diskCell, s *search, q geo.LatLng, r float64) {
	t.Helper()
	for range 200 {
		// a point at a random bearing, mostly near the edge of the radius
		d := r * math.Sqrt(math.Sqrt(rng.Float64()))
		x := destination(q, rng.Float64()*2*math.Pi, d)
		if geo.Haversine(q, x) > r {
			continue
		}
		c, _ := h3.LatLngToCell(h3.LatLng{Lat: x.Lat, Lng: x.Lng}, presence.IndexResolution)
		i := slices.IndexFunc(cells, func(dc diskCell) bool { return dc.cell == c })
		if i < 0 {
			t.Fatalf("radius %v at %v: %v (%.1f m away) is in cell %v, outside the disk", r, q, x, geo.Haversine(q, x), c)
		}
		if earthRadiusM*math.Sqrt(chord2(s.v, cells[i].v))-cells[i].circ > s.r[1] {
			t.Fatalf("radius %v at %v: the cell of %v is skipped", r, q, x)
		}
	}
}

// jitter returns a point up to span metres from p in latitude and longitude.
func jitter(rng *rand.Rand, p geo.LatLng, span float64) geo.LatLng {
	return destination(p, rng.Float64()*2*math.Pi, rng.Float64()*span)
}

// destination is the point d metres from p on bearing b (radians).
func destination(p geo.LatLng, b, d float64) geo.LatLng {
	lat1, lng1, a := p.Lat*math.Pi/180, p.Lng*math.Pi/180, d/earthRadiusM
	lat2 := math.Asin(math.Sin(lat1)*math.Cos(a) + math.Cos(lat1)*math.Sin(a)*math.Cos(b))
	lng2 := lng1 + math.Atan2(math.Sin(b)*math.Sin(a)*math.Cos(lat1), math.Cos(a)-math.Sin(lat1)*math.Sin(lat2))
	lng := math.Mod(lng2*180/math.Pi+540, 360) - 180
	return geo.LatLng{Lat: lat2 * 180 / math.Pi, Lng: lng}
}

func TestDiskCacheBounded(t *testing.T) {
	dc := newDiskCache(4)
	attach := func(*diskGeom) {}
	for i := range 10 {
		if g := dc.near(geo.LatLng{Lat: 41.8 + float64(i)*0.05, Lng: 123.4}, 500, attach); g == nil {
			t.Fatal("no disk")
		}
	}
	if len(dc.geoms) > 4 || len(dc.order) > 4 {
		t.Errorf("cache holds %d disks, want at most 4", len(dc.geoms))
	}
}

// TestPentagon searches around a pentagon, where disks lose a sector,
// and compares with a brute force.
func TestPentagon(t *testing.T) {
	pents, err := h3.Pentagons(presence.IndexResolution)
	if err != nil {
		t.Fatal(err)
	}
	ll, _ := h3.CellToLatLng(pents[3])
	centre := geo.LatLng{Lat: ll.Lat, Lng: ll.Lng}
	rng := rand.New(rand.NewPCG(5, 6))
	st, ctx := NewPresence(), context.Background()
	pos := map[string]geo.LatLng{}
	for i := range 400 {
		id := fmt.Sprintf("p%03d", i)
		pos[id] = jitter(rng, centre, 6000)
		c, _ := h3.LatLngToCell(h3.LatLng{Lat: pos[id].Lat, Lng: pos[id].Lng}, presence.IndexResolution)
		if _, err := st.StartShift(ctx, presence.Record{ID: id, Mode: grid.Car, Status: presence.Available}); err != nil {
			t.Fatal(err)
		}
		m := presence.Move{Update: presence.Update{ResponderID: id, Position: pos[id]}, Cell: c}
		if _, err := st.Move(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for range 50 {
		q := presence.NearbyQuery{Center: jitter(rng, centre, 3000), Radius: [4]float64{0, 0, 0, 2500}}
		cs, err := st.Nearby(ctx, q, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, c := range cs {
			got = append(got, c.ID)
		}
		for id, p := range pos {
			if geo.Haversine(p, q.Center) <= 2500 {
				want = append(want, id)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("near a pentagon at %v: got %v, want %v", q.Center, got, want)
		}
	}
}
