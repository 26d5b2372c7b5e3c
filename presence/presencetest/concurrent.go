package presencetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

// testConcurrent moves different responders from many goroutines while
// others search and read; run it under -race. Each responder ends where its
// last move put it, and a search over everyone finds each exactly once.
func testConcurrent(t *testing.T, newStore newStoreFunc) {
	const movers, each, readers = 4, 8, 2
	s := newStore(t)
	var wg, rg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, movers+readers)
	for g := range movers {
		wg.Go(func() {
			if err := moveMany(s, g, each); err != nil {
				errs <- err
			}
		})
	}
	for range readers {
		rg.Go(func() {
			if err := readUntil(s, done); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(done)
	rg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent call: %v", err)
	}
	checkConcurrentEnd(t, s, movers, each)
}

// concurrentMoves is how many times each responder of testConcurrent moves.
const concurrentMoves = 25

// concurrentMove is the i-th move of mover g's responder r: east a little
// each time, on rows apart for each mover.
func concurrentMove(g, r, i int) presence.Move {
	id := fmt.Sprintf("g%d-r%d", g, r)
	p := offset(Shenyang, float64(g*400), float64(r*300+i*10))
	c, _ := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, presence.IndexResolution)
	seen := base.Add(time.Duration(i) * time.Second)
	return presence.Move{Update: presence.Update{ResponderID: id, Position: p, AccuracyM: 5, FixTime: seen}, Cell: c, SeenAt: seen}
}

// moveMany starts mover g's responders' shifts and moves them round.
func moveMany(s presence.Store, g, each int) error {
	ctx := context.Background()
	for r := range each {
		id := fmt.Sprintf("g%d-r%d", g, r)
		if _, err := s.StartShift(ctx, record(id, grid.WatchVolunteer, grid.TravelMode(1+r%3))); err != nil {
			return err
		}
	}
	for i := range concurrentMoves {
		for r := range each {
			if _, err := s.Move(ctx, concurrentMove(g, r, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// readUntil searches and reads until done is closed.
func readUntil(s presence.Store, done <-chan struct{}) error {
	ctx := context.Background()
	for {
		select {
		case <-done:
			return nil
		default:
		}
		if _, err := s.Nearby(ctx, presence.NearbyQuery{Center: Shenyang, Radius: allRadius(3000)}, nil); err != nil {
			return err
		}
		if _, err := s.Get(ctx, "g0-r0"); err != nil && !isNotOnShift(err) {
			return err
		}
	}
}

// checkConcurrentEnd checks each responder's final position and that one
// search finds everyone once.
func checkConcurrentEnd(t *testing.T, s presence.Store, movers, each int) {
	for g := range movers {
		for r := range each {
			m := concurrentMove(g, r, concurrentMoves-1)
			if got := get(t, s, m.ResponderID); got.Position != m.Position {
				t.Errorf("%s ended at %v, want %v", m.ResponderID, got.Position, m.Position)
			}
		}
	}
	cs, err := s.Nearby(context.Background(), presence.NearbyQuery{Center: Shenyang, Radius: allRadius(5000)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, c := range cs {
		seen[c.ID]++
	}
	if len(seen) != movers*each || len(cs) != movers*each {
		t.Errorf("Nearby over everyone found %d candidates of %d responders, want %d", len(cs), len(seen), movers*each)
	}
}

// testCanceled checks that every method fails, rather than hangs or
// succeeds, on a context canceled before the call.
func testCanceled(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	start(t, s, record("r1", grid.WatchVolunteer, grid.Walk))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := []struct {
		name string
		do   func() error
	}{
		{"StartShift", func() error { _, err := s.StartShift(ctx, record("r2", grid.WatchVolunteer, grid.Walk)); return err }},
		{"EndShift", func() error { _, err := s.EndShift(ctx, "r1"); return err }},
		{"SetStatus", func() error { return s.SetStatus(ctx, "r1", presence.Busy) }},
		{"Move", func() error { _, err := s.Move(ctx, moveAt(t, "r1", Shenyang, base)); return err }},
		{"Get", func() error { _, err := s.Get(ctx, "r1"); return err }},
		{"Nearby", func() error {
			_, err := s.Nearby(ctx, presence.NearbyQuery{Center: Shenyang, Radius: allRadius(100)}, nil)
			return err
		}},
		{"OwnGridDay", func() error { _, err := s.OwnGridDay(ctx, "r1", day1); return err }},
	}
	for _, c := range calls {
		done := make(chan error, 1)
		go func() { done <- c.do() }()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%s with a canceled context = nil, want an error", c.name)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("%s with a canceled context hung", c.name)
		}
	}
}

func isNotOnShift(err error) bool { return errors.Is(err, presence.ErrNotOnShift) }
