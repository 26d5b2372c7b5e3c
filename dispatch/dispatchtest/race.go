package dispatchtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/presence/presencetest"
)

// acceptTrials is how many trials testConcurrentAccept runs.
const acceptTrials = 10000

// testConcurrentAccept runs trials of 2 to 16 responders, each offered the
// one slot of incident A and the one slot of incident B, all accepting
// both at once: exactly one winner per slot, never the same responder for
// both, and the store's assignments agree.
func testConcurrentAccept(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	trials := acceptTrials
	if testing.Short() {
		trials = 1000
	}
	for k := range trials {
		n := 2 + k%15
		ids := [2]string{fmt.Sprintf("a%d", k), fmt.Sprintf("b%d", k)}
		for _, id := range ids {
			active(t, st, id, 0)
			for r := range n {
				mustOffer(t, st, offer(id, 0, fmt.Sprintf("r%d", r)), n)
			}
		}
		winners := raceAccepts(t, st, ids, n)
		checkWinners(t, st, k, ids, winners)
		for _, id := range ids {
			if _, err := st.Transition(ctx, id, dispatch.StateAssigned, dispatch.StateCancelled,
				dispatch.Event{At: Base, Actor: "test"}); err != nil {
				t.Fatalf("trial %d: cancelling %s: %v", k, id, err)
			}
		}
		if t.Failed() {
			return
		}
	}
}

// raceAccepts has every responder accept both incidents' offers at once
// and returns each incident's winners.
func raceAccepts(t *testing.T, st dispatch.Store, ids [2]string, n int) [2][]string {
	var (
		mu      sync.Mutex
		winners [2][]string
		wg      sync.WaitGroup
	)
	start := make(chan struct{})
	for r := range n {
		for i, id := range ids {
			wg.Go(func() {
				resp := fmt.Sprintf("r%d", r)
				<-start
				_, err := st.Accept(context.Background(), offer(id, 0, resp).ID, resp, Base)
				switch {
				case err == nil:
					mu.Lock()
					winners[i] = append(winners[i], resp)
					mu.Unlock()
				case !errors.Is(err, dispatch.ErrConflict):
					t.Errorf("Accept(%s, %s): %v, want a conflict", id, resp, err)
				}
			})
		}
	}
	close(start)
	wg.Wait()
	return winners
}

// checkWinners checks one trial's outcome against the store.
func checkWinners(t *testing.T, st dispatch.Store, k int, ids [2]string, winners [2][]string) {
	t.Helper()
	ctx := context.Background()
	for i, id := range ids {
		if len(winners[i]) != 1 {
			t.Fatalf("trial %d: %s has winners %v, want exactly one", k, id, winners[i])
		}
		a, err := st.AssignmentOf(ctx, winners[i][0])
		if err != nil || a.IncidentID != id {
			t.Fatalf("trial %d: AssignmentOf(%s) = %+v, %v; want %s", k, winners[i][0], a, err, id)
		}
		inc, err := st.Incident(ctx, id)
		if err != nil || inc.Slots[0].Assignee != winners[i][0] || len(inc.Assignments) != 1 {
			t.Fatalf("trial %d: %s slot held by %q with %d assignments, want %s alone", k, id,
				inc.Slots[0].Assignee, len(inc.Assignments), winners[i][0])
		}
	}
	if winners[0][0] == winners[1][0] {
		t.Fatalf("trial %d: %s won both incidents", k, winners[0][0])
	}
}

// testAcceptVersusLapse races Accept against Lapse around the deadline on
// a fake clock, then lapses as the next tick would: each offer ends
// accepted or lapsed, never both, never neither, and the slot and the
// assignments agree.
func testAcceptVersusLapse(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	expiry := Base.Add(20 * time.Second)
	for k := range 2000 {
		id, r := fmt.Sprintf("i%d", k), fmt.Sprintf("r%d", k)
		active(t, st, id, 0)
		o := mustOffer(t, st, offer(id, 0, r), 1).Incident.Offers[0]
		clock := presencetest.NewClock(expiry.Add(time.Duration(k%3-2) * time.Nanosecond))
		var acceptErr, lapseErr error
		var wg sync.WaitGroup
		wg.Go(func() { _, acceptErr = st.Accept(ctx, o.ID, r, clock.Now()) })
		wg.Go(func() {
			clock.Advance(time.Nanosecond)
			_, lapseErr = st.Lapse(ctx, o.ID, clock.Now())
		})
		wg.Wait()
		if acceptErr == nil && lapseErr == nil {
			t.Fatalf("trial %d: both the accept and the lapse succeeded", k)
		}
		_, sweepErr := st.Lapse(ctx, o.ID, expiry.Add(time.Second)) // the next tick
		if sweepErr != nil && !errors.Is(sweepErr, dispatch.ErrConflict) {
			t.Fatalf("trial %d: the next tick's Lapse: %v", k, sweepErr)
		}
		checkAcceptOrLapse(t, st, k, id, r, acceptErr == nil)
	}
}

// checkAcceptOrLapse checks that the offer ended accepted exactly when
// won, and lapsed otherwise.
func checkAcceptOrLapse(t *testing.T, st dispatch.Store, k int, id, r string, won bool) {
	t.Helper()
	inc, err := st.Incident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	_, aerr := st.AssignmentOf(context.Background(), r)
	got := fmt.Sprintf("offer %s, slot %s, assigned %v", inc.Offers[0].State, inc.Slots[0].State, aerr == nil)
	want := fmt.Sprintf("offer %s, slot %s, assigned %v", dispatch.OfferLapsed, dispatch.SlotOpen, false)
	if won {
		want = fmt.Sprintf("offer %s, slot %s, assigned %v", dispatch.OfferAccepted, dispatch.SlotFilled, true)
	}
	if got != want {
		t.Fatalf("trial %d: %s; want %s", k, got, want)
	}
}
