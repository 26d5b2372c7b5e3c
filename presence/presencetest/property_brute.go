package presencetest

import (
	"cmp"
	"context"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/presence"
)

// bruteForce ranks every offered responder in states as FindResponders
// should: the model's ETA from the responder to the point, the first
// circle whose bound the ETA does not exceed, order by ETA then id, cut to
// the limit. all counts the responders in each circle before the cut.
func bruteForce(states map[string]*state, cfg presence.Config, q presence.Query, now time.Time) (want []presence.Circle, all []int) {
	limit := q.Limit
	if limit == 0 {
		limit = cfg.DefaultLimit
	}
	fresh := now.Add(-cfg.StaleAfter)
	bands := make([][]presence.Ranked, len(cfg.Circles))
	for _, st := range states {
		if !st.offered(q.Kinds, fresh) {
			continue
		}
		eta, dist := cfg.Model.ETA(st.kind, st.mode, st.pos, q.Point)
		for b, bound := range cfg.Circles {
			if eta <= bound {
				bands[b] = append(bands[b], presence.Ranked{Candidate: st.candidate(), ETASeconds: eta, DistanceM: dist})
				break
			}
		}
	}
	for b, rs := range bands {
		slices.SortFunc(rs, func(x, y presence.Ranked) int {
			return cmp.Or(cmp.Compare(x.ETASeconds, y.ETASeconds), cmp.Compare(x.ID, y.ID))
		})
		all = append(all, len(rs))
		want = append(want, presence.Circle{MaxETASeconds: cfg.Circles[b], Responders: rs[:min(limit, len(rs))]})
	}
	return want, all
}

// coverage makes sure the random data exercised what it should.
type coverage struct {
	inBand  [3]int // responders listed in the first three circles
	cut     int    // circles cut by the limit
	queries int
}

func (c *coverage) add(want []presence.Circle, all []int) {
	c.queries++
	for b, circle := range want {
		if b < len(c.inBand) {
			c.inBand[b] += len(circle.Responders)
		}
		if all[b] > len(circle.Responders) {
			c.cut++
		}
	}
}

func (c *coverage) check(t *testing.T) {
	for b, n := range c.inBand {
		if n == 0 {
			t.Errorf("coverage: no query listed anyone in circle %d", b)
		}
	}
	if c.cut < c.queries/4 {
		t.Errorf("coverage: only %d circles of %d queries were cut by the limit", c.cut, c.queries)
	}
}

// populateService runs the shifts of the roster through svc on the clock:
// starts, zero to three reports (the last at a random time up to three
// minutes in), some ignored older reports, some busy, some ended, some
// twins on another's exact position. It returns what the suite expects
// the engine to hold.
func populateService(t *testing.T, svc *presence.Service, clock *Clock, rng *rand.Rand, roster Roster) map[string]*state {
	ctx := context.Background()
	states := map[string]*state{}
	var placed []geo.LatLng
	for _, id := range slices.Sorted(maps.Keys(roster)) {
		last := base.Add(between(rng, 50*time.Second, 175*time.Second))
		if rng.IntN(40) == 0 {
			last = base.Add(120 * time.Second) // exactly StaleAfter before the first queries
		}
		clock.Set(last.Add(-30 * time.Second))
		rec, err := svc.StartShift(ctx, id)
		if err != nil {
			t.Fatalf("StartShift(%s): %v", id, err)
		}
		st := &state{id: id, kind: rec.Kind, mode: rec.Mode, status: presence.Available}
		states[id] = st
		n := rng.IntN(4)
		for j := range n {
			clock.Set(last.Add(-time.Duration(n-1-j) * 5 * time.Second))
			p := randomPoint(rng, 3000)
			if len(placed) > 0 && rng.IntN(16) == 0 {
				p = placed[rng.IntN(len(placed))]
			}
			report(t, svc, clock, st, p, clock.Now().Add(-2*time.Second), true)
			placed = append(placed, p)
		}
		shuffleShift(t, svc, clock, rng, st, states)
	}
	return states
}

// report sends one update and checks whether it was applied.
func report(t *testing.T, svc *presence.Service, clock *Clock, st *state, p geo.LatLng, fix time.Time, want bool) {
	t.Helper()
	u := presence.Update{ResponderID: st.id, Position: p, AccuracyM: 10, FixTime: fix}
	applied, err := svc.Report(context.Background(), u)
	if err != nil || applied != want {
		t.Fatalf("Report(%+v) = %v, %v; want %v", u, applied, err, want)
	}
	if applied {
		st.hasFix, st.pos, st.cell, st.fix, st.seen = true, p, cellOf(t, p), fix, clock.Now()
	}
}

// shuffleShift sends an older report, changes the status or ends the
// shift of some responders.
func shuffleShift(t *testing.T, svc *presence.Service, clock *Clock, rng *rand.Rand, st *state, states map[string]*state) {
	ctx := context.Background()
	if st.hasFix && rng.IntN(10) == 0 {
		report(t, svc, clock, st, randomPoint(rng, 3000), st.fix.Add(-time.Second), false)
	}
	var err error
	switch x := rng.IntN(100); {
	case x < 12:
		err = svc.SetStatus(ctx, st.id, presence.Busy)
		st.status = presence.Busy
	case x < 15:
		if err = svc.SetStatus(ctx, st.id, presence.Busy); err == nil {
			err = svc.SetStatus(ctx, st.id, presence.Available)
		}
	case x < 19:
		_, err = svc.EndShift(ctx, st.id)
		delete(states, st.id)
	case x < 21:
		if _, err = svc.EndShift(ctx, st.id); err == nil {
			_, err = svc.StartShift(ctx, st.id)
		}
		st.hasFix, st.status = false, presence.Available
	}
	if err != nil {
		t.Fatalf("changing the shift of %s: %v", st.id, err)
	}
}
