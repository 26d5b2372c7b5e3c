package presence

import "math"

// The search ranks exactly only the candidates that may make a circle. A
// first pass brackets every candidate's ETA (etaBounds) and keeps, per
// circle, the limit smallest upper bounds among the candidates surely in
// it: tau. A candidate surely in circle b (or beyond the last) whose lower
// bound exceeds tau[b], or the worst ETA already listed in a full b, is
// beaten by limit others and skipped. This relies on the engine returning
// each responder once, which the conformance suite checks.

// bracket runs the first pass over sc's candidates.
func (sc *scratch) bracket(b *etaBounds, qb *queryBounds, circles []float64) {
	n := len(sc.cands)
	sc.lo, sc.sure = grow(sc.lo, n), grow(sc.sure, n)
	sc.nTau = [maxCircles]int{}
	sc.tau = grow(sc.tau, len(circles)*sc.limit)
	last := len(circles) - 1
	for i := range sc.cands {
		lo, hi, ok := b.eta(qb, &sc.cands[i])
		if !ok {
			sc.lo[i], sc.sure[i] = math.Inf(-1), false
			continue
		}
		bl, bh := bandOf(circles, lo), bandOf(circles, hi)
		sc.lo[i], sc.sure[i] = lo, bl == bh || bl >= last
		if bl == bh && bl <= last {
			sc.pushTau(bl, hi)
		}
	}
}

// skip reports whether candidate i cannot make any circle.
func (sc *scratch) skip(i int, circles []float64) bool {
	if !sc.sure[i] {
		return false
	}
	lo := sc.lo[i]
	b := bandOf(circles, lo)
	if b == len(circles) {
		return true
	}
	if sc.nTau[b] < sc.limit {
		return false
	}
	t := sc.tau[b*sc.limit+sc.limit-1]
	if sc.full(b) {
		t = min(t, sc.band(b)[sc.limit-1].eta)
	}
	return lo > t
}

// pushTau keeps hi if it is among the limit smallest of circle b.
func (sc *scratch) pushTau(b int, hi float64) {
	list := sc.tau[b*sc.limit : b*sc.limit+sc.nTau[b]]
	n := len(list)
	if n == sc.limit && hi >= list[n-1] {
		return
	}
	if n < sc.limit {
		n++
		sc.nTau[b] = n
		list = sc.tau[b*sc.limit : b*sc.limit+n]
	}
	pos := n - 1
	for pos > 0 && hi < list[pos-1] {
		list[pos] = list[pos-1]
		pos--
	}
	list[pos] = hi
}

// grow returns s with length n, reallocating only to grow.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
