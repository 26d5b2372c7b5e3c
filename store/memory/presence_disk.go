package memory

import (
	"errors"
	"math"
	"sync"
	"sync/atomic"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

// earthRadiusM is the sphere of geo.Haversine.
const earthRadiusM = 6371008.8

// vec3 is a point on the unit sphere.
type vec3 struct{ x, y, z float64 }

func unitVector(p geo.LatLng) vec3 {
	lat, lng := p.Lat*math.Pi/180, p.Lng*math.Pi/180
	cosLat := math.Cos(lat)
	return vec3{cosLat * math.Cos(lng), cosLat * math.Sin(lng), math.Sin(lat)}
}

// chord2 is the squared chord between a and b on the unit sphere. The
// chord never exceeds the arc, so chord·R ≤ r holds for every point whose
// haversine distance is ≤ r.
func chord2(a, b vec3) float64 {
	dx, dy, dz := a.x-b.x, a.y-b.y, a.z-b.z
	return dx*dx + dy*dy + dz*dz
}

// arcM returns the great-circle metres matching a squared unit chord.
func arcM(c2 float64) float64 {
	return 2 * earthRadiusM * math.Asin(math.Min(1, math.Sqrt(c2)/2))
}

// diskCell is a cell of a disk with its centre and circumradius (every
// point of the cell is within circ metres of the centre) and its index.
type diskCell struct {
	cell h3.Cell
	v    vec3
	circ float64
	idx  *cellIndex
}

// diskGeom is the k-disk around one cell, rings 0 to len(clear), ordered by
// ring, with what it takes to pick a safe k for a radius.
type diskGeom struct {
	centre  diskCell
	cells   []diskCell // ring by ring from the centre cell
	ringEnd []int      // cells[:ringEnd[k]] is the k-disk
	// clear[k] is a lower bound, in metres, on the distance from the centre
	// cell's centre to any point of a cell more than k rings away.
	clear []float64
	// broken marks a cell whose disk cannot be built (near a pentagon);
	// searches there scan their whole travel mode.
	broken bool
}

// safeK returns the smallest k such that the k-disk holds every cell with a
// point within r metres of a point e metres from the centre cell's centre,
// or -1 if the geometry has too few rings or g is nil.
//
// Why it is safe: a great-circle arc from the point to anything beyond the
// k-disk crosses ring k+1 (adjacent cells differ by at most one ring), and
// every point of ring k+1 is at least clear[k] from the centre, hence at
// least clear[k]-e from the point.
func (g *diskGeom) safeK(r, e float64) int {
	if g == nil {
		return -1
	}
	for k, c := range g.clear {
		if c-e > r {
			return k
		}
	}
	return -1
}

// maxDiskRings bounds the disks built; a search that needs more scans its
// whole travel mode (at resolution 8, radii beyond about 20 km).
const maxDiskRings = 32

var errPentagon = errors.New("disk crosses a pentagon's distortion")

// buildDisk computes the disk of rings 0 to n around c, measuring its
// cells with measure.
func buildDisk(c h3.Cell, n int, measure func(h3.Cell) (diskCell, error)) (*diskGeom, error) {
	rings, err := h3.GridDiskDistances(c, n)
	if err != nil {
		return nil, err
	}
	g := &diskGeom{ringEnd: make([]int, 0, n+1), clear: make([]float64, 0, n)}
	for k, ring := range rings {
		minClear := math.Inf(1)
		for _, rc := range ring {
			if rc == 0 {
				continue
			}
			dc, err := measure(rc)
			if err != nil {
				return nil, err
			}
			if k == 0 {
				g.centre = dc
			} else {
				minClear = math.Min(minClear, arcM(chord2(g.centre.v, dc.v))*(1-1e-9)-dc.circ)
			}
			g.cells = append(g.cells, dc)
		}
		if k > 0 && math.IsInf(minClear, 1) {
			return nil, errPentagon
		}
		if k > 0 {
			g.clear = append(g.clear, minClear)
		}
		g.ringEnd = append(g.ringEnd, len(g.cells))
	}
	return g, nil
}

// newDiskCell measures c: its centre and its farthest vertex (a hexagon is
// convex, so no point of it is farther), with a little slack for rounding.
func newDiskCell(c h3.Cell) (diskCell, error) {
	ll, err := h3.CellToLatLng(c)
	if err != nil {
		return diskCell{}, err
	}
	bnd, err := h3.CellToBoundary(c)
	if err != nil {
		return diskCell{}, err
	}
	centre := geo.LatLng{Lat: ll.Lat, Lng: ll.Lng}
	circ := 0.0
	for _, v := range bnd {
		circ = math.Max(circ, geo.Haversine(centre, geo.LatLng{Lat: v.Lat, Lng: v.Lng}))
	}
	return diskCell{cell: c, v: unitVector(centre), circ: circ*(1+1e-6) + 0.01}, nil
}

// defaultDiskCacheSize is how many cells' disks are kept: 8,192
// resolution-8 cells cover about 6,000 km², all of Shenyang's urban
// districts (about 4,600 cells), so a city's searches stop missing once
// warm; a miss costs about 0.4 ms (cgo boundary calls).
const defaultDiskCacheSize = 8192

// diskCache keeps the disks of the cells searched around, evicting the
// oldest beyond its size, and which cell is near each small square of
// latitude and longitude: most searches make no cgo call.
type diskCache struct {
	cells  cellGeoms    // measured cells, shared by neighbouring disks
	hint   atomic.Int32 // rings the last disk built needed: where the next starts
	mu     sync.RWMutex
	geoms  map[h3.Cell]*diskGeom
	order  []h3.Cell // ring buffer of insertion order
	next   int
	quanta map[uint64]h3.Cell // quantumKey → the cell of the quantum's centre
}

// A quantum is a square of quantumDeg degrees; its centre is within
// quantumSlackM metres of any point of it (below 80° of latitude), so a
// disk around the centre's cell wide enough for a point circ+quantumSlackM
// from the cell's centre serves every query in the quantum. maxQuanta
// (about 8 MB) remembers 9,700 km² of them at Shenyang's latitude, where a
// quantum is 0.037 km²: the nine urban districts (3,500 km², 95,000
// quanta) fit, so a city's searches stop missing once warm. (At 1 << 16
// the map overflowed and cleared itself over and over: most searches paid
// a cgo call.)
const (
	quantumDeg    = 0.002
	quantumSlackM = 200
	maxQuanta     = 1 << 18
)

func newDiskCache(size int) *diskCache {
	return &diskCache{geoms: make(map[h3.Cell]*diskGeom, size), order: make([]h3.Cell, 0, size),
		quanta: map[uint64]h3.Cell{}, cells: cellGeoms{m: map[h3.Cell]diskCell{}}}
}

// near returns a disk around a cell close to p, wide enough for radius r
// from p, or nil. The caller measures p's actual distance to the disk's
// centre, so correctness never rests on the quantum.
func (dc *diskCache) near(p geo.LatLng, r float64, attach func(*diskGeom)) *diskGeom {
	qLat, qLng := math.Floor(p.Lat/quantumDeg), math.Floor(p.Lng/quantumDeg)
	key := uint64(int64(qLat)+1<<20)<<32 | uint64(int64(qLng)+1<<20)
	dc.mu.RLock()
	c, ok := dc.quanta[key]
	dc.mu.RUnlock()
	if !ok {
		centre := h3.LatLng{Lat: (qLat + 0.5) * quantumDeg, Lng: (qLng + 0.5) * quantumDeg}
		var err error
		if c, err = h3.LatLngToCell(centre, presence.IndexResolution); err != nil {
			return nil
		}
		dc.mu.Lock()
		if len(dc.quanta) >= maxQuanta {
			clear(dc.quanta)
		}
		dc.quanta[key] = c
		dc.mu.Unlock()
	}
	return dc.get(c, r, attach)
}

// get returns a disk around c wide enough for radius r from any point
// within circ+quantumSlackM of c's centre, building or widening it as needed and then passing it to attach; when
// even maxDiskRings do not suffice, the widest there is. Nil if c's disk
// cannot be built.
func (dc *diskCache) get(c h3.Cell, r float64, attach func(*diskGeom)) *diskGeom {
	dc.mu.RLock()
	g := dc.geoms[c]
	dc.mu.RUnlock()
	if g != nil && (g.broken || len(g.clear) >= maxDiskRings || g.safeK(r, g.centre.circ+quantumSlackM) >= 0) {
		return usable(g)
	}
	n := max(minDiskRings, int(dc.hint.Load()))
	if g != nil {
		n = g.ringsFor(r, g.centre.circ+quantumSlackM)
	}
	for {
		wider, err := buildDisk(c, n, dc.cells.measure)
		if err != nil {
			g = &diskGeom{broken: true}
			break
		}
		g = wider
		if g.safeK(r, g.centre.circ+quantumSlackM) >= 0 || n == maxDiskRings {
			dc.hint.Store(int32(n))
			break
		}
		n = g.ringsFor(r, g.centre.circ+quantumSlackM)
	}
	if !g.broken {
		attach(g)
	}
	dc.put(c, g)
	return usable(g)
}

// minDiskRings is the narrowest disk built.
const minDiskRings = 3

// ringsFor estimates, from how g's clearance grows ring by ring, how many
// rings a disk needs for radius r from a point e from its centre: at least
// one more than g has, at most maxDiskRings.
func (g *diskGeom) ringsFor(r, e float64) int {
	n := len(g.clear)
	need := 2 * n
	if n > 1 {
		if step := g.clear[n-1] - g.clear[n-2]; step > 0 {
			need = n + int(math.Ceil((r+e-g.clear[n-1])/step))
		}
	}
	return min(maxDiskRings, max(n+1, need))
}

// usable returns g, or nil if it is broken.
func usable(g *diskGeom) *diskGeom {
	if g.broken {
		return nil
	}
	return g
}

// put stores g as c's disk.
func (dc *diskCache) put(c h3.Cell, g *diskGeom) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if _, ok := dc.geoms[c]; !ok {
		if len(dc.order) < cap(dc.order) {
			dc.order = append(dc.order, c)
		} else {
			delete(dc.geoms, dc.order[dc.next])
			dc.order[dc.next] = c
			dc.next = (dc.next + 1) % len(dc.order)
		}
	}
	dc.geoms[c] = g
}

// cellGeoms caches newDiskCell: neighbouring disks share almost all their
// cells, so once a district's cells are measured a new disk costs one
// GridDiskDistances call instead of two cgo calls per cell (about 0.4 ms).
type cellGeoms struct {
	mu sync.RWMutex
	m  map[h3.Cell]diskCell // idx always nil here
}

// maxCellGeoms bounds the cache (a few MB); past it, it starts over.
const maxCellGeoms = 1 << 16

func (cg *cellGeoms) measure(c h3.Cell) (diskCell, error) {
	cg.mu.RLock()
	d, ok := cg.m[c]
	cg.mu.RUnlock()
	if ok {
		return d, nil
	}
	d, err := newDiskCell(c)
	if err != nil {
		return d, err
	}
	cg.mu.Lock()
	if len(cg.m) >= maxCellGeoms {
		clear(cg.m)
	}
	cg.m[c] = d
	cg.mu.Unlock()
	return d, nil
}
