package gridtest

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
)

// RunRosterStoreTests checks the RosterStore contract.
func RunRosterStoreTests(t *testing.T, newStore func(t *testing.T) grid.Store) {
	runAll(t, newStore, []test{
		{"RoundTrip", testRosterRoundTrip},
		{"ReplaceByID", testRosterReplace},
		{"NotFound", testResponderNotFound},
		{"Empty", testRosterEmpty},
		{"Canceled", func(t *testing.T, newStore newStoreFunc) {
			testCanceled(t, newStore, []call{
				{"PutResponders", func(ctx context.Context, s grid.Store) error {
					return s.PutResponders(ctx, sampleResponders())
				}},
				{"Responder", func(ctx context.Context, s grid.Store) error {
					_, err := s.Responder(ctx, "R01")
					return err
				}},
				{"Responders", func(ctx context.Context, s grid.Store) error { _, err := s.Responders(ctx); return err }},
			})
		}},
	})
}

// sampleResponders has one responder of every kind, with every field set
// and the travel modes in turn, in ID order; the last has only an ID.
func sampleResponders() []grid.Responder {
	modes := []grid.TravelMode{grid.Walk, grid.Bike, grid.Car}
	var rs []grid.Responder
	for k := grid.CommunityOfficer; k <= grid.Reinforcement; k++ {
		n := len(rs) + 1
		rs = append(rs, grid.Responder{ID: fmt.Sprintf("R%02d", n), Name: fmt.Sprintf("队员%d", n),
			Kind: k, TravelMode: modes[n%len(modes)], HomeGrid: "P1", Compound: "CP-001", Post: "WP-001"})
	}
	return append(rs, grid.Responder{ID: "R99"})
}

func testRosterRoundTrip(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	want := sampleResponders()
	half := len(want) / 2
	for _, batch := range [][]grid.Responder{want[half:], want[:half]} {
		if err := s.PutResponders(ctx, batch); err != nil {
			t.Fatalf("PutResponders: %v", err)
		}
	}
	for _, w := range want {
		got, err := s.Responder(ctx, w.ID)
		if err != nil || !reflect.DeepEqual(got, w) {
			t.Errorf("Responder(%q) = %+v, %v; want %+v, nil", w.ID, got, err, w)
		}
	}
	got, err := s.Responders(ctx)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Responders = %+v, %v; want %+v, nil", got, err, want)
	}
}

func testRosterReplace(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	want := sampleResponders()
	if err := s.PutResponders(ctx, want); err != nil {
		t.Fatalf("PutResponders: %v", err)
	}
	want[0] = grid.Responder{ID: want[0].ID, Name: "新队员", Kind: grid.SecurityGuard, TravelMode: grid.Car}
	if err := s.PutResponders(ctx, want[:1]); err != nil {
		t.Fatalf("PutResponders: %v", err)
	}
	got, err := s.Responders(ctx)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Responders = %+v, %v; want %+v, nil", got, err, want)
	}
}

func testResponderNotFound(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	_, err := s.Responder(ctx, "R01")
	wantNotFound(t, "Responder on an empty store", err)
	if err := s.PutResponders(ctx, sampleResponders()); err != nil {
		t.Fatalf("PutResponders: %v", err)
	}
	_, err = s.Responder(ctx, "R50")
	wantNotFound(t, "Responder(\"R50\")", err)
}

func testRosterEmpty(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.PutResponders(ctx, nil); err != nil {
		t.Errorf("PutResponders(nil) = %v, want nil", err)
	}
	got, err := s.Responders(ctx)
	if err != nil || len(got) != 0 {
		t.Errorf("Responders on an empty store = %+v, %v; want none, nil", got, err)
	}
}
