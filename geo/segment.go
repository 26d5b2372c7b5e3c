package geo

import "math"

// contact classifies how two edges meet.
type contact int

const (
	noContact   contact = iota
	vertexTouch         // they share an endpoint and meet nowhere else
	touches             // an endpoint of one lies on the interior of the other
	overlaps            // collinear, sharing more than a point
	crosses             // proper crossing of the interiors
)

func (k contact) verb() string {
	switch k {
	case touches:
		return "touches"
	case overlaps:
		return "overlaps"
	case crosses:
		return "crosses"
	}
	return "meets"
}

// classify determines how the closed segments ab and cd meet. Both must be
// non-degenerate (a != b, c != d). It uses only exact predicates.
func classify(a, b, c, d LatLng) contact {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	if o1*o2 > 0 {
		return noContact
	}
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if o3*o4 > 0 {
		return noContact
	}
	if o1 == 0 && o2 == 0 {
		return classifyCollinear(a, b, c, d)
	}
	if o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0 {
		return crosses
	}
	// Not parallel and meeting in a single point, which is the endpoint
	// with a zero orientation.
	var p LatLng
	switch {
	case o1 == 0:
		p = c
	case o2 == 0:
		p = d
	case o3 == 0:
		p = a
	default:
		p = b
	}
	if (p == a || p == b) && (p == c || p == d) {
		return vertexTouch
	}
	return touches
}

// classifyCollinear handles four collinear points by projecting onto the
// axis along which ab extends most.
func classifyCollinear(a, b, c, d LatLng) contact {
	ax, bx, cx, dx := a.Lng, b.Lng, c.Lng, d.Lng
	if math.Abs(b.Lng-a.Lng) < math.Abs(b.Lat-a.Lat) {
		ax, bx, cx, dx = a.Lat, b.Lat, c.Lat, d.Lat
	}
	lo := math.Max(math.Min(ax, bx), math.Min(cx, dx))
	hi := math.Min(math.Max(ax, bx), math.Max(cx, dx))
	switch {
	case lo > hi:
		return noContact
	case lo < hi:
		return overlaps
	}
	p, q := a, c // the endpoints of ab and cd at the single common coordinate
	if bx == lo {
		p = b
	}
	if dx == lo {
		q = d
	}
	if p == q {
		return vertexTouch
	}
	return touches
}

// box is an axis-aligned bounding box in degrees.
type box struct{ minX, minY, maxX, maxY float64 }

// edgeBox returns the bounding box of segment ab (finite coordinates).
func edgeBox(a, b LatLng) box {
	bb := box{minX: a.Lng, minY: a.Lat, maxX: b.Lng, maxY: b.Lat}
	if bb.minX > bb.maxX {
		bb.minX, bb.maxX = bb.maxX, bb.minX
	}
	if bb.minY > bb.maxY {
		bb.minY, bb.maxY = bb.maxY, bb.minY
	}
	return bb
}

func (b box) intersects(o box) bool {
	return b.minX <= o.maxX && o.minX <= b.maxX && b.minY <= o.maxY && o.minY <= b.maxY
}
