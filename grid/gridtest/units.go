package gridtest

import (
	"context"
	"reflect"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
)

// RunUnitStoreTests checks the UnitStore contract.
func RunUnitStoreTests(t *testing.T, newStore func(t *testing.T) grid.Store) {
	runAll(t, newStore, []test{
		{"RoundTrip", testUnitsRoundTrip},
		{"OrderedByID", testUnitsOrdered},
		{"ReplaceByID", testUnitsReplace},
		{"NotFound", testUnitNotFound},
		{"Empty", testUnitsEmpty},
		{"Canceled", func(t *testing.T, newStore newStoreFunc) {
			testCanceled(t, newStore, []call{
				{"PutUnits", func(ctx context.Context, s grid.Store) error {
					return s.PutUnits(ctx, sampleUnits())
				}},
				{"Unit", func(ctx context.Context, s grid.Store) error { _, err := s.Unit(ctx, "210100"); return err }},
				{"Units", func(ctx context.Context, s grid.Store) error { _, err := s.Units(ctx); return err }},
			})
		}},
	})
}

// sampleUnits is a city, a district bureau and two stations, in ID order,
// with every field set; the last has only an ID.
func sampleUnits() []grid.Unit {
	return []grid.Unit{
		{ID: "210100", Type: grid.UnitCity, Name: "沈阳市公安局", Head: grid.Person{ID: "p-001", Name: "张伟"}},
		{ID: "210102", Type: grid.UnitDistrict, Name: "和平分局", Parent: "210100",
			Head: grid.Person{ID: "p-002", Name: "刘洋"}},
		{ID: "210102-01", Type: grid.UnitStation, Name: "南市场派出所", Parent: "210102",
			Head: grid.Person{ID: "p-003", Name: "陈静"}},
		{ID: "210102-02"},
	}
}

func testUnitsRoundTrip(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	want := sampleUnits()
	if err := s.PutUnits(ctx, want); err != nil {
		t.Fatalf("PutUnits: %v", err)
	}
	for _, w := range want {
		got, err := s.Unit(ctx, w.ID)
		if err != nil || !reflect.DeepEqual(got, w) {
			t.Errorf("Unit(%q) = %+v, %v; want %+v, nil", w.ID, got, err, w)
		}
	}
	got, err := s.Units(ctx)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Units = %+v, %v; want %+v, nil", got, err, want)
	}
}

func testUnitsOrdered(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	want := sampleUnits()
	for _, batch := range [][]grid.Unit{{want[3], want[1]}, {want[2], want[0]}} {
		if err := s.PutUnits(ctx, batch); err != nil {
			t.Fatalf("PutUnits: %v", err)
		}
	}
	got, err := s.Units(ctx)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Units = %+v, %v; want %+v, nil", got, err, want)
	}
}

func testUnitsReplace(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	units := sampleUnits()
	if err := s.PutUnits(ctx, units); err != nil {
		t.Fatalf("PutUnits: %v", err)
	}
	changed := grid.Unit{ID: units[2].ID, Type: grid.UnitStation, Name: "北市场派出所",
		Parent: "210100", Head: grid.Person{ID: "p-009", Name: "孙丽"}}
	if err := s.PutUnits(ctx, []grid.Unit{changed}); err != nil {
		t.Fatalf("PutUnits: %v", err)
	}
	got, err := s.Unit(ctx, changed.ID)
	if err != nil || !reflect.DeepEqual(got, changed) {
		t.Errorf("Unit(%q) = %+v, %v; want %+v, nil", changed.ID, got, err, changed)
	}
	units[2] = changed
	all, err := s.Units(ctx)
	if err != nil || !reflect.DeepEqual(all, units) {
		t.Errorf("Units = %+v, %v; want %+v, nil", all, err, units)
	}
}

func testUnitNotFound(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	_, err := s.Unit(ctx, "210100")
	wantNotFound(t, "Unit on an empty store", err)
	if err := s.PutUnits(ctx, sampleUnits()); err != nil {
		t.Fatalf("PutUnits: %v", err)
	}
	_, err = s.Unit(ctx, "999999")
	wantNotFound(t, "Unit(\"999999\")", err)
}

func testUnitsEmpty(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.PutUnits(ctx, nil); err != nil {
		t.Errorf("PutUnits(nil) = %v, want nil", err)
	}
	got, err := s.Units(ctx)
	if err != nil || len(got) != 0 {
		t.Errorf("Units on an empty store = %+v, %v; want none, nil", got, err)
	}
}
