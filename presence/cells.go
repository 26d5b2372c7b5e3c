package presence

import (
	"math"
	"sync"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/uber/h3-go/v4"
)

// cellCache spares most location updates the H3 call: a responder who
// moved a few metres is usually still inside the inscribed circle of the
// cell of their previous position, and a point inside it is in the cell.
// The test is a few multiplications on latitude and longitude.
type cellCache struct {
	mu    sync.RWMutex
	cells map[h3.Cell]inCircle
}

// maxCachedCells bounds the cache; it is emptied when full.
const maxCachedCells = 1 << 16

// inCircle is a cell's inscribed circle, kept shrunk a little below the
// true one: every point within inM metres of (lat, lng) is in the cell,
// and within that distance cos(latitude) stays at most cosMax.
type inCircle struct {
	lat, lng, inM, cosMax float64
}

// cellOf returns the cell of p at IndexResolution, without asking H3 when
// p is inside the inscribed circle of prev (if hasPrev).
func (cc *cellCache) cellOf(p geo.LatLng, prev h3.Cell, hasPrev bool) (h3.Cell, error) {
	if hasPrev {
		cc.mu.RLock()
		in, ok := cc.cells[prev]
		cc.mu.RUnlock()
		if ok && in.contains(p) {
			return prev, nil
		}
	}
	c, err := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, IndexResolution)
	if err != nil {
		return 0, err
	}
	cc.mu.RLock()
	_, ok := cc.cells[c]
	cc.mu.RUnlock()
	if !ok {
		cc.learn(c)
	}
	return c, nil
}

// learn measures c's inscribed circle; a cell that cannot be measured is
// left out and always asked of H3.
func (cc *cellCache) learn(c h3.Cell) {
	in, ok := measure(c)
	if !ok {
		return
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.cells == nil || len(cc.cells) >= maxCachedCells {
		cc.cells = make(map[h3.Cell]inCircle)
	}
	cc.cells[c] = in
}

// contains reports whether p is surely within the circle. The path from
// the centre to p that is straight in latitude and longitude stays within
// the circle's latitudes once |dlat| is small enough, so the great-circle
// distance is at most R·sqrt(dlat² + (cosMax·dlng)²).
func (in inCircle) contains(p geo.LatLng) bool {
	const rad = math.Pi / 180
	dLat := (p.Lat - in.lat) * rad
	if earthRadiusM*math.Abs(dLat) >= in.inM {
		return false
	}
	dLng := p.Lng - in.lng
	if dLng > 180 {
		dLng -= 360
	} else if dLng < -180 {
		dLng += 360
	}
	dLng *= rad * in.cosMax
	return earthRadiusM*math.Sqrt(dLat*dLat+dLng*dLng)*(1+1e-9) < in.inM
}

// measure computes c's inscribed circle: the distance from its centre to
// the nearest great circle through one of its edges.
func measure(c h3.Cell) (inCircle, bool) {
	ll, err := h3.CellToLatLng(c)
	if err != nil {
		return inCircle{}, false
	}
	bnd, err := h3.CellToBoundary(c)
	if err != nil || len(bnd) < 3 || math.Abs(ll.Lat) > 80 {
		return inCircle{}, false
	}
	centre := unit(ll.Lat, ll.Lng)
	minAngle := math.Inf(1)
	for i := range bnd {
		a, b := bnd[i], bnd[(i+1)%len(bnd)]
		n := cross(unit(a.Lat, a.Lng), unit(b.Lat, b.Lng))
		norm := math.Sqrt(dot(n, n))
		if norm == 0 {
			return inCircle{}, false
		}
		minAngle = math.Min(minAngle, math.Asin(math.Min(1, math.Abs(dot(centre, n))/norm)))
	}
	inM := earthRadiusM*minAngle*(1-1e-6) - 0.05
	if !(inM > 0) {
		return inCircle{}, false
	}
	band := inM/earthRadiusM + 1e-9
	cosMax := 1.0
	if lat := math.Abs(ll.Lat) * math.Pi / 180; lat > band {
		cosMax = math.Cos(lat - band)
	}
	return inCircle{lat: ll.Lat, lng: ll.Lng, inM: inM, cosMax: cosMax}, true
}

// unit returns the unit vector of a position in degrees.
func unit(lat, lng float64) [3]float64 {
	lat, lng = lat*math.Pi/180, lng*math.Pi/180
	return [3]float64{math.Cos(lat) * math.Cos(lng), math.Cos(lat) * math.Sin(lng), math.Sin(lat)}
}

func cross(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func dot(a, b [3]float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
