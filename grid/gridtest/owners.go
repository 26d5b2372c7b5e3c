package gridtest

import (
	"context"
	"reflect"
	"testing"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/uber/h3-go/v4"
)

// testSetAndClearOwners applies owner changes step by step.
func testSetAndClearOwners(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	c := disk(t, shenyang, 9, 1)[:4]
	steps := []struct {
		name   string
		owners map[h3.Cell]string
		want   []string // owners of c
	}{
		{"set", map[h3.Cell]string{c[0]: "P1", c[1]: "P1", c[2]: "P2"}, []string{"P1", "P1", "P2", ""}},
		{"move and clear", map[h3.Cell]string{c[1]: "P2", c[2]: ""}, []string{"P1", "P2", "", ""}},
		{"clear unowned", map[h3.Cell]string{c[3]: ""}, []string{"P1", "P2", "", ""}},
		{"clear all", map[h3.Cell]string{c[0]: "", c[1]: ""}, []string{"", "", "", ""}},
	}
	for _, st := range steps {
		apply(t, s, grid.GridChange{Kind: grid.Police, Owners: st.owners})
		got, err := s.CellOwners(ctx, grid.Police, c)
		if err != nil || !reflect.DeepEqual(got, st.want) {
			t.Errorf("after %s: CellOwners = %q, %v; want %q, nil", st.name, got, err, st.want)
		}
	}
}

// testCellOwnersOrder checks that CellOwners answers in input order, with
// repeats and unknown cells.
func testCellOwnersOrder(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	c := disk(t, shenyang, 10, 1)
	far := cellAt(t, dalian, 10)
	apply(t, s, grid.GridChange{Kind: grid.Community, Owners: map[h3.Cell]string{c[0]: "A", c[1]: "B", far: "D"}})
	in := []h3.Cell{c[1], far, c[0], c[2], c[1], c[0]}
	want := []string{"B", "D", "A", "", "B", "A"}
	got, err := s.CellOwners(ctx, grid.Community, in)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("CellOwners(%v) = %q, %v; want %q, nil", in, got, err, want)
	}
}

// testOwnerKindsApart checks that each kind has its own cell index.
func testOwnerKindsApart(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	c := pointCells(t, shenyang)
	apply(t, s, grid.GridChange{Kind: grid.Police, Owners: owning("P1", c[0], c[1])})
	apply(t, s, grid.GridChange{Kind: grid.Community, Owners: owning("C1", c[1])})
	apply(t, s, grid.GridChange{Kind: grid.Community, Owners: map[h3.Cell]string{c[0]: ""}})
	tests := []struct {
		kind grid.Kind
		want []string
	}{
		{grid.Police, []string{"P1", "P1", "", ""}},
		{grid.Community, []string{"", "C1", "", ""}},
	}
	for _, tt := range tests {
		got, err := s.CellOwners(ctx, tt.kind, c)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("CellOwners(%v) = %q, %v; want %q, nil", tt.kind, got, err, tt.want)
		}
	}
}

// testLocateCells checks LocateCells on a point of which each kind owns
// some of the cells at resolutions 10, 9, 8 and 7 (by index 0..3).
func testLocateCells(t *testing.T, newStore newStoreFunc) {
	tests := []struct {
		name                string
		police, community   map[int]string // index in the point's cells → owner
		neighbour           bool           // a police grid owns the res-10 neighbour
		wantPolice, wantCom string
	}{
		{name: "nothing owned"},
		{name: "police at 10", police: map[int]string{0: "P10"}, wantPolice: "P10"},
		{name: "police at 7 only", police: map[int]string{3: "P7"}, wantPolice: "P7"},
		{name: "community at 9 only", community: map[int]string{1: "C9"}, wantCom: "C9"},
		{name: "kinds at different resolutions", police: map[int]string{2: "P8"},
			community: map[int]string{0: "C10"}, wantPolice: "P8", wantCom: "C10"},
		{name: "first owned wins", police: map[int]string{1: "P9", 3: "P7"},
			community: map[int]string{2: "C8", 3: "C7"}, wantPolice: "P9", wantCom: "C8"},
		{name: "neighbour does not count", neighbour: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			cells := pointCells(t, shenyang)
			applyIndexed(t, s, grid.Police, cells, tt.police)
			applyIndexed(t, s, grid.Community, cells, tt.community)
			if tt.neighbour {
				ring, err := h3.GridRing(cells[0], 1)
				if err != nil {
					t.Fatal(err)
				}
				apply(t, s, grid.GridChange{Kind: grid.Police, Owners: owning("PN", ring...)})
			}
			p, c, err := s.LocateCells(context.Background(), cells)
			if err != nil || p != tt.wantPolice || c != tt.wantCom {
				t.Errorf("LocateCells = %q, %q, %v; want %q, %q, nil", p, c, err, tt.wantPolice, tt.wantCom)
			}
		})
	}
}

// applyIndexed gives cells[i] to owners[i] for each i in owners.
func applyIndexed(t *testing.T, s grid.Store, kind grid.Kind, cells []h3.Cell, owners map[int]string) {
	t.Helper()
	if len(owners) == 0 {
		return
	}
	m := map[h3.Cell]string{}
	for i, id := range owners {
		m[cells[i]] = id
	}
	apply(t, s, grid.GridChange{Kind: kind, Owners: m})
}

// testLocateCleared checks that a cleared cell is no longer located.
func testLocateCleared(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()
	s := newStore(t)
	cells := pointCells(t, shenyang)
	apply(t, s, grid.GridChange{Kind: grid.Police, Owners: owning("P1", cells[0])})
	apply(t, s, grid.GridChange{Kind: grid.Community, Owners: owning("C1", cells[1])})
	apply(t, s, grid.GridChange{Kind: grid.Police, Owners: map[h3.Cell]string{cells[0]: ""}})
	p, c, err := s.LocateCells(ctx, cells)
	if err != nil || p != "" || c != "C1" {
		t.Errorf("LocateCells after clearing = %q, %q, %v; want \"\", \"C1\", nil", p, c, err)
	}
}
