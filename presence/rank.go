package presence

// rankEntry is a candidate with its exact ETA and distance; i indexes the
// scratch's candidates.
type rankEntry struct {
	eta, dist float64
	i         int32
}

// scratch is the reusable working memory of one search: the engine's
// candidates and, per circle, the best entries so far in order.
type scratch struct {
	cands []Candidate
	top   []rankEntry // circle b holds top[b*limit : b*limit+n[b]]
	n     [maxCircles]int
	limit int

	// The pruning's first pass (prune.go), per candidate and per circle.
	lo   []float64 // lower bound of the ETA
	sure []bool    // whether the circle of lo is the ETA's, or lo is in the last
	tau  []float64 // circle b: the nTau[b] smallest upper bounds surely in it
	nTau [maxCircles]int
}

// reset empties the circles for a search of circles circles of limit each.
func (sc *scratch) reset(circles, limit int) {
	sc.limit = limit
	sc.n = [maxCircles]int{}
	if need := circles * limit; cap(sc.top) < need {
		sc.top = make([]rankEntry, need)
	}
	sc.top = sc.top[:circles*limit]
}

// less orders entries by ETA, then responder id.
func (sc *scratch) less(a, b rankEntry) bool {
	if a.eta != b.eta {
		return a.eta < b.eta
	}
	return sc.cands[a.i].ID < sc.cands[b.i].ID
}

// band returns circle b's entries so far.
func (sc *scratch) band(b int) []rankEntry {
	return sc.top[b*sc.limit : b*sc.limit+sc.n[b]]
}

// full reports whether circle b has limit entries; worst is then its last.
func (sc *scratch) full(b int) bool { return sc.n[b] == sc.limit }

// insert adds e to circle b if it ranks within the limit, keeping the
// circle ordered. A candidate the engine returned twice is kept once.
func (sc *scratch) insert(b int, e rankEntry) {
	list := sc.band(b)
	n := len(list)
	if n == sc.limit && (n == 0 || !sc.less(e, list[n-1])) {
		return
	}
	pos := n
	for pos > 0 && sc.less(e, list[pos-1]) {
		pos--
	}
	if pos > 0 && list[pos-1].eta == e.eta && sc.cands[list[pos-1].i].ID == sc.cands[e.i].ID {
		return
	}
	if n < sc.limit {
		n++
		sc.n[b] = n
	}
	list = sc.top[b*sc.limit : b*sc.limit+n]
	copy(list[pos+1:], list[pos:n-1])
	list[pos] = e
}

// circles copies the result out of the scratch: one allocation for the
// circles and one for all their responders.
func (sc *scratch) circles(bounds []float64) []Circle {
	total := 0
	for b := range bounds {
		total += sc.n[b]
	}
	out := make([]Circle, len(bounds))
	ranked := make([]Ranked, total)
	at := 0
	for b, limitS := range bounds {
		start := at
		for _, e := range sc.band(b) {
			ranked[at] = Ranked{Candidate: sc.cands[e.i], ETASeconds: e.eta, DistanceM: e.dist}
			at++
		}
		out[b] = Circle{MaxETASeconds: limitS, Responders: ranked[start:at:at]}
	}
	return out
}
