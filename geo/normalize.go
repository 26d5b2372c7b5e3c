package geo

// despike removes zero-width spikes from a closed, deduplicated ring: a
// vertex b whose neighbours a and c are collinear with it and where the
// ring turns back (a→b→a, or a→b→c with c on the line through a and b on
// the way back). Removing b leaves the region bounded by the ring
// unchanged in the longitude/latitude plane of GeoJSON (great-circle areas
// move by well under 1 m² per polygon in testdata). If a and c become
// equal they are merged, which may expose a further spike, so the process
// repeats until none is left. Only DecodeFeatureCollection applies it
// (ValidateRing rejects spikes): quantised third-party outlines contain
// many. A ring that is not closed or is too short is returned unchanged,
// for checkRing to reject.
func despike(c cleanRing) cleanRing {
	n := len(c.pts)
	if n < 4 || c.pts[0] != c.pts[n-1] {
		return c
	}
	out := cleanRing{pts: make([]LatLng, 0, n), orig: make([]int, 0, n)}
	for k := range n - 1 {
		out.pts = append(out.pts, c.pts[k])
		out.orig = append(out.orig, c.orig[k])
		out.popSpikes()
	}
	head := out.unwrapSpikes()
	closing := c.orig[n-1]
	if head > 0 {
		closing = out.orig[head]
	}
	out.pts = append(out.pts[head:], out.pts[head])
	out.orig = append(out.orig[head:], closing)
	return out
}

// popSpikes removes spikes at the second-to-last vertex of a partial path.
func (c *cleanRing) popSpikes() {
	for {
		n := len(c.pts)
		if n < 3 || !isSpike(c.pts[n-3], c.pts[n-2], c.pts[n-1]) {
			return
		}
		last, lastOrig := c.pts[n-1], c.orig[n-1]
		c.pts, c.orig = c.pts[:n-2], c.orig[:n-2]
		if c.pts[n-3] != last {
			c.pts = append(c.pts, last)
			c.orig = append(c.orig, lastOrig)
		}
	}
}

// unwrapSpikes removes spikes (and duplicates) where the cycle wraps from
// its last vertex to its first, and returns the index of the first vertex
// still in use.
func (c *cleanRing) unwrapSpikes() (head int) {
	for len(c.pts)-head >= 3 {
		n := len(c.pts)
		first, last := c.pts[head], c.pts[n-1]
		switch {
		case first == last, isSpike(c.pts[n-2], last, first):
			c.pts, c.orig = c.pts[:n-1], c.orig[:n-1]
		case isSpike(last, first, c.pts[head+1]):
			head++
		default:
			return head
		}
	}
	return head
}
