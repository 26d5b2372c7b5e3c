package geo

// holeProbeLimit bounds how many hole vertices are tried when looking for
// one that is not on the outer ring's boundary.
const holeProbeLimit = 16

// location of a point relative to a ring.
type location int

const (
	outside location = iota
	onBoundary
	inside
)

// bandIndex buckets the edges of a closed ring into horizontal bands, so
// that locating a point only examines the edges whose latitude range
// contains it, which are exactly the edges that matter to the even-odd
// test. The number of bands keeps the total number of entries within about
// six per edge. work counts edges examined against budget.
type bandIndex struct {
	r            Ring
	minY, maxY   float64
	scale        float64 // bands per degree
	nb           int
	start, items []int32
	work, budget int
}

func newBandIndex(r Ring, budget int) *bandIndex {
	ix := &bandIndex{r: r, budget: budget}
	n := len(r) - 1 // edges
	if n < 1 {
		return ix
	}
	ix.minY, ix.maxY = r[0].Lat, r[0].Lat
	sumH := 0.0
	for k := range n {
		b := edgeBox(r[k], r[k+1])
		ix.minY, ix.maxY = min(ix.minY, b.minY), max(ix.maxY, b.maxY)
		sumH += b.maxY - b.minY
	}
	ix.nb = n
	if sumH > 0 {
		ix.nb = max(1, min(n, int(4*float64(n)*(ix.maxY-ix.minY)/sumH)))
	}
	if ix.maxY > ix.minY {
		ix.scale = float64(ix.nb) / (ix.maxY - ix.minY)
	}
	ix.fill(n)
	return ix
}

// fill stores, for every band, the edges whose latitude range overlaps it.
func (ix *bandIndex) fill(n int) {
	ix.start = make([]int32, ix.nb+1)
	for k := range n {
		b := edgeBox(ix.r[k], ix.r[k+1])
		for band := ix.band(b.minY); band <= ix.band(b.maxY); band++ {
			ix.start[band+1]++
		}
	}
	for band := 1; band <= ix.nb; band++ {
		ix.start[band] += ix.start[band-1]
	}
	ix.items = make([]int32, ix.start[ix.nb])
	next := append([]int32(nil), ix.start[:ix.nb]...)
	for k := range n {
		b := edgeBox(ix.r[k], ix.r[k+1])
		for band := ix.band(b.minY); band <= ix.band(b.maxY); band++ {
			ix.items[next[band]] = int32(k)
			next[band]++
		}
	}
}

// band maps a latitude to its band; the mapping is monotone.
func (ix *bandIndex) band(y float64) int {
	return min(max(int((y-ix.minY)*ix.scale), 0), ix.nb-1)
}

// locate finds where p lies relative to the ring (even-odd rule, exact
// predicates). ok is false once the work budget is exhausted.
func (ix *bandIndex) locate(p LatLng) (loc location, ok bool) {
	if ix.nb == 0 || p.Lat < ix.minY || p.Lat > ix.maxY {
		return outside, true
	}
	band := ix.band(p.Lat)
	edges := ix.items[ix.start[band]:ix.start[band+1]]
	if ix.work += len(edges); ix.work > ix.budget {
		return outside, false
	}
	in := false
	for _, k := range edges {
		a, b := ix.r[k], ix.r[k+1]
		o := orient(a, b, p)
		if o == 0 && edgeBox(a, b).intersects(box{p.Lng, p.Lat, p.Lng, p.Lat}) {
			return onBoundary, true
		}
		// The edge crosses the ray eastwards from p.
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) && (b.Lat > a.Lat) == (o > 0) {
			in = !in
		}
	}
	if in {
		return inside, true
	}
	return outside, true
}

// holeOutside decides containment by the first of the hole's vertices
// (up to holeProbeLimit) that is not on the outer boundary; if all probed
// vertices are on it, the hole is accepted as touching.
func (ix *bandIndex) holeOutside(hole Ring) (out, ok bool) {
	for k := 0; k < len(hole) && k < holeProbeLimit; k++ {
		loc, ok := ix.locate(hole[k])
		switch {
		case !ok:
			return false, false
		case loc == outside:
			return true, true
		case loc == inside:
			return false, true
		}
	}
	return false, true
}
