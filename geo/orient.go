package geo

import (
	"math"
	"math/big"
)

const (
	// orientErrBound is Shewchuk's ccwerrboundA, (3 + 16ε)ε with ε = 2⁻⁵³:
	// when |det| exceeds it times (|l| + |r|), the sign of det is certain.
	orientErrBound = 3.3306690738754716e-16
	// tinyProduct guards against underflow, below which neither the error
	// bound nor the FMA exactness test holds.
	tinyProduct = 0x1p-900
)

// orient returns +1 if c lies to the left of the directed line a→b (x = Lng,
// y = Lat), -1 if it lies to the right and 0 if a, b and c are collinear.
// The result is exact for all finite inputs: a floating-point filter decides
// the common case, an exactness check handles degenerate but exactly
// representable cases (e.g. axis-parallel or 45° quantised edges), and
// math/big settles the rest.
func orient(a, b, c LatLng) int {
	dx1, dy1 := b.Lng-a.Lng, b.Lat-a.Lat
	dx2, dy2 := c.Lng-a.Lng, c.Lat-a.Lat
	l, r := dx1*dy2, dy1*dx2
	if sum := math.Abs(l) + math.Abs(r); sum > tinyProduct {
		det := l - r
		bound := orientErrBound * sum
		if det > bound {
			return 1
		}
		if -det > bound {
			return -1
		}
	}
	if exactSub(b.Lng, a.Lng) && exactSub(b.Lat, a.Lat) &&
		exactSub(c.Lng, a.Lng) && exactSub(c.Lat, a.Lat) &&
		exactMul(dx1, dy2, l) && exactMul(dy1, dx2, r) {
		return compareFloat(l, r)
	}
	return orientExact(a, b, c)
}

// exactSub reports whether x-y is exactly representable (Knuth's TwoSum
// error term is zero).
func exactSub(x, y float64) bool {
	s := x - y
	bb := s - x
	return (x-(s-bb))+(-y-bb) == 0
}

// exactMul reports whether p == x*y exactly, where p is the rounded product.
func exactMul(x, y, p float64) bool {
	if p == 0 {
		return x == 0 || y == 0
	}
	if math.Abs(p) < tinyProduct {
		return false
	}
	return math.FMA(x, y, -p) == 0
}

func compareFloat(x, y float64) int {
	switch {
	case x > y:
		return 1
	case x < y:
		return -1
	}
	return 0
}

// orientExact evaluates the orientation determinant in rational arithmetic.
// Non-finite inputs yield 0.
func orientExact(a, b, c LatLng) int {
	var ax, ay, bx, by, cx, cy big.Rat
	for _, p := range []struct {
		r *big.Rat
		v float64
	}{{&ax, a.Lng}, {&ay, a.Lat}, {&bx, b.Lng}, {&by, b.Lat}, {&cx, c.Lng}, {&cy, c.Lat}} {
		if p.r.SetFloat64(p.v) == nil {
			return 0
		}
	}
	dx1 := new(big.Rat).Sub(&bx, &ax)
	dy1 := new(big.Rat).Sub(&by, &ay)
	dx2 := new(big.Rat).Sub(&cx, &ax)
	dy2 := new(big.Rat).Sub(&cy, &ay)
	l := dx1.Mul(dx1, dy2)
	r := dy1.Mul(dy1, dx2)
	return l.Cmp(r)
}

// turnsBack reports whether the path a→b→c reverses direction at b. The
// three points must be collinear with a != b and b != c. The comparison is
// made along the axis on which a→b moves most, where c cannot tie with b.
func turnsBack(a, b, c LatLng) bool {
	if math.Abs(b.Lng-a.Lng) >= math.Abs(b.Lat-a.Lat) {
		return (b.Lng > a.Lng) != (c.Lng > b.Lng)
	}
	return (b.Lat > a.Lat) != (c.Lat > b.Lat)
}

// isSpike reports whether the ring turns back on itself at b, i.e. the
// edges a→b and b→c overlap collinearly (a zero-width spike).
func isSpike(a, b, c LatLng) bool {
	return a == c || (orient(a, b, c) == 0 && turnsBack(a, b, c))
}
