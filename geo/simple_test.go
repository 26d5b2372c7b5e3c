package geo

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// bruteForce is the O(n²) reference for scanEdges: the first forbidden
// contact in (i, j) order and the set of touching vertices.
func (r ringView) bruteForce() (violation, map[int]bool) {
	m := len(r.v)
	var cross crossingLog
	shared := map[int]bool{}
	for i := range m {
		for j := i + 1; j < m; j++ {
			if adjacent(i, j, m) {
				continue
			}
			switch k := classify(r.v[i], r.v[(i+1)%m], r.v[j], r.v[(j+1)%m]); k {
			case noContact:
			case vertexTouch:
				vi, vj := r.sharedVertex(i, j)
				shared[vi], shared[vj] = true, true
			case crosses:
				cross.add(violation{i, j, k})
			}
		}
	}
	return cross.verdict(r), shared
}

// gridRing maps bytes to a closed ring on a coarse grid of quantised
// coordinates near Shenyang, where collinear and touching edges abound.
func gridRing(b []byte) Ring {
	r := make(Ring, 0, len(b)/2+1)
	for k := 0; k+1 < len(b); k += 2 {
		r = append(r, LatLng{Lat: 41.75 + float64(b[k]%8)/1024, Lng: 123.25 + float64(b[k+1]%8)/1024})
	}
	if len(r) > 0 {
		r = append(r, r[0])
	}
	return r
}

// checkAgainstBruteForce compares the grid scan with the reference.
func checkAgainstBruteForce(t *testing.T, r Ring) {
	t.Helper()
	c := dedupe(r)
	if len(c.pts) < 4 || c.pts[0] != c.pts[len(c.pts)-1] {
		return
	}
	v := ringView{field: "r", v: c.pts[:len(c.pts)-1], orig: c.orig}
	got, gotShared, ok := v.scanEdges()
	if !ok {
		t.Fatalf("scanEdges ran out of budget on %d edges", len(v.v))
	}
	want, wantShared := v.bruteForce()
	if got != want {
		t.Fatalf("ring %v: scanEdges found %+v, brute force %+v", r, got, want)
	}
	if want.kind != noContact {
		return
	}
	for _, x := range gotShared {
		delete(wantShared, x)
	}
	if len(wantShared) != 0 {
		t.Fatalf("ring %v: scanEdges missed touching vertices %v", r, wantShared)
	}
}

func TestScanEdgesMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		b := make([]byte, 2*(4+rng.IntN(40)))
		for k := range b {
			b[k] = byte(rng.IntN(256))
		}
		checkAgainstBruteForce(t, gridRing(b))
	}
}

// TestScanEdgesMatchesBruteForceShapes covers larger rings, mixed edge
// lengths and degenerate bounding boxes, which exercise the grid sizing.
func TestScanEdgesMatchesBruteForceShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		n := 4 + rng.IntN(300)
		r := make(Ring, n)
		p := LatLng{Lat: 41.8, Lng: 123.4}
		for k := range r {
			step := 1.0 / 1024
			if rng.IntN(10) == 0 {
				step *= 100 // an occasional long edge
			}
			p.Lat += float64(rng.IntN(3)-1) * step
			p.Lng += float64(rng.IntN(3)-1) * step
			r[k] = p
		}
		checkAgainstBruteForce(t, append(r, r[0]))
	}
	line := func(horizontal bool, xs ...float64) Ring {
		r := Ring{}
		for _, x := range xs {
			if horizontal {
				r = append(r, xy(x, 41.8))
			} else {
				r = append(r, xy(123.4, x))
			}
		}
		return r
	}
	checkAgainstBruteForce(t, line(true, 0, 3, 1, 2, 0))
	checkAgainstBruteForce(t, line(false, 0, 3, 1, 5, 2, 0))
	checkAgainstBruteForce(t, comb(50))
	checkAgainstBruteForce(t, circle(41.8, 123.4, 0.2, 2000))
}

func FuzzRingSelfIntersection(f *testing.F) {
	f.Add([]byte{0, 0, 0, 4, 4, 4, 4, 0})
	f.Add([]byte{0, 0, 4, 4, 0, 4, 4, 0})
	f.Add([]byte{0, 0, 0, 4, 2, 2, 4, 4, 4, 0, 2, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 400 {
			return
		}
		r := gridRing(b)
		checkAgainstBruteForce(t, r)
		err := ValidateRing("r", r)
		var fe *FieldError
		if err != nil && (!errors.As(err, &fe) || !errors.Is(err, ErrInvalid)) {
			t.Fatalf("error %v is not a *FieldError wrapping ErrInvalid", err)
		}
	})
}
