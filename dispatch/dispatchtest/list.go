package dispatchtest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/presence/presencetest"
	"github.com/uber/h3-go/v4"
)

// The places of the listing tests: two points of Shenyang in different
// resolution-9 cells of one resolution-5 cell, and Beijing.
var (
	shenyangNear = geo.LatLng{Lat: 41.805, Lng: 123.435}
	beijing      = geo.LatLng{Lat: 39.90, Lng: 116.40}
)

// cellOf returns the resolution-9 cell of p.
func cellOf(t testing.TB, p geo.LatLng) h3.Cell {
	t.Helper()
	c, err := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, dispatch.CellResolution)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// parentOf returns the ancestor of c at res.
func parentOf(t testing.TB, c h3.Cell, res int) h3.Cell {
	t.Helper()
	p, err := c.Parent(res)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// stored stores an incident created at at, in the cell of p.
func stored(t testing.TB, st dispatch.Store, id string, at time.Time, p geo.LatLng) {
	t.Helper()
	inc := incident(id, 0)
	inc.CreatedAt, inc.Position, inc.Cell = at, p, cellOf(t, p)
	if _, _, err := st.CreateIncident(context.Background(), inc); err != nil {
		t.Fatalf("CreateIncident(%s): %v", id, err)
	}
}

// listAll pages through q with page size size and returns the ids in
// order. It fails on a short page with a next cursor (the suite's stores
// are far below any engine's bound) and on a page after the last.
func listAll(t testing.TB, st dispatch.Store, q dispatch.IncidentQuery, size int) []string {
	t.Helper()
	q.PageSize, q.After = size, nil
	var ids []string
	for calls := 0; ; calls++ {
		if calls > 1000 {
			t.Fatalf("size %d: more than 1000 pages", size)
		}
		page, next, err := st.ListIncidents(context.Background(), q)
		if err != nil {
			t.Fatalf("ListIncidents(size %d, page %d): %v", size, calls, err)
		}
		if len(page) > size || (next != nil && len(page) < size) {
			t.Fatalf("size %d, page %d: %d incidents, next %v", size, calls, len(page), next)
		}
		for _, inc := range page {
			ids = append(ids, inc.ID)
		}
		if next == nil {
			return ids
		}
		if last := dispatch.CursorOf(&page[len(page)-1]); last != *next {
			t.Fatalf("size %d, page %d: next %v, want the last incident's %v", size, calls, *next, last)
		}
		q.After = next
	}
}

func testListOrder(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	// Ties at Base sort by id byte by byte: i1 < i10 < i2.
	for _, s := range []struct {
		id string
		at time.Time
	}{
		{"i2", Base}, {"old", Base.Add(-time.Hour)}, {"i10", Base}, {"new", Base.Add(time.Nanosecond)},
		{"i1", Base}, {"epoch", time.Unix(0, 0)}, {"later", Base.Add(time.Minute)}, {"pre", time.Unix(-5, 0)},
	} {
		stored(t, st, s.id, s.at, Shenyang)
	}
	want := []string{"later", "new", "i1", "i10", "i2", "old", "epoch", "pre"}
	if got := listAll(t, st, dispatch.IncidentQuery{}, dispatch.MaxPageSize); !slices.Equal(got, want) {
		t.Errorf("listed %v, want %v", got, want)
	}
	page, _, err := st.ListIncidents(context.Background(), dispatch.IncidentQuery{PageSize: 1})
	if err != nil || len(page) != 1 || page[0].ID != "later" || page[0].Cell != cellOf(t, Shenyang) ||
		len(page[0].Timeline) != 1 || !page[0].CreatedAt.Equal(Base.Add(time.Minute)) {
		t.Errorf("first page = %+v, %v; want the whole incident later", page, err)
	}
	// A cursor is a position: it need not name a stored incident.
	page, next, err := st.ListIncidents(context.Background(), dispatch.IncidentQuery{PageSize: 10,
		After: &dispatch.Cursor{CreatedAt: Base, ID: "i100"}})
	if got := ids(page); err != nil || next != nil || !slices.Equal(got, []string{"i2", "old", "epoch", "pre"}) {
		t.Errorf("after (Base, i100) = %v, next %v, %v; want [i2 old epoch pre], no next", got, next, err)
	}
}

func testListPaging(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	var want []string
	for k := range 23 { // three at each second
		stored(t, st, fmt.Sprintf("p%02d", k), Base.Add(time.Duration(k/3)*time.Second), Shenyang)
	}
	for sec := 22 / 3; sec >= 0; sec-- { // newest second first, ties by id
		for k := 3 * sec; k < min(3*sec+3, 23); k++ {
			want = append(want, fmt.Sprintf("p%02d", k))
		}
	}
	for _, size := range []int{1, 2, 3, 5, 7, 22, 23, 24, dispatch.MaxPageSize} {
		if got := listAll(t, st, dispatch.IncidentQuery{}, size); !slices.Equal(got, want) {
			t.Errorf("size %d: listed %v, want %v", size, got, want)
		}
	}
	// Incidents created while paging sort before the cursor: the pages
	// still return each incident of the first call exactly once.
	ctx := context.Background()
	q := dispatch.IncidentQuery{PageSize: 4}
	var got []string
	for k := 0; ; k++ {
		page, next, err := st.ListIncidents(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(page)...)
		stored(t, st, fmt.Sprintf("q%02d", k), Base.Add(time.Hour+time.Duration(k)), Shenyang)
		if next == nil {
			break
		}
		q.After = next
	}
	if !slices.Equal(got, want) {
		t.Errorf("with creations between pages: listed %v, want %v", got, want)
	}
}

func testListStates(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	for k := range 6 {
		stored(t, st, fmt.Sprintf("s%d", k), Base.Add(time.Duration(k)*time.Second), Shenyang)
	}
	move := func(id string, to dispatch.State) {
		if _, err := st.Transition(ctx, id, dispatch.StateNew, to, dispatch.Event{At: Base, Actor: "d1"}); err != nil {
			t.Fatalf("Transition(%s, new, %s): %v", id, to, err)
		}
	}
	move("s1", dispatch.StateDispatching)
	move("s2", dispatch.StateCancelled)
	move("s4", dispatch.StateDispatching)
	tests := []struct {
		states []dispatch.State
		want   []string
	}{
		{nil, []string{"s5", "s4", "s3", "s2", "s1", "s0"}},
		{[]dispatch.State{dispatch.StateDispatching}, []string{"s4", "s1"}},
		{[]dispatch.State{dispatch.StateNew, dispatch.StateCancelled}, []string{"s5", "s3", "s2", "s0"}},
		{[]dispatch.State{dispatch.StateCancelled, dispatch.StateCancelled}, []string{"s2"}},
		{[]dispatch.State{dispatch.StateAssigned, dispatch.StateClosed}, nil},
	}
	for _, tt := range tests {
		for _, size := range []int{1, 2, 10} {
			got := listAll(t, st, dispatch.IncidentQuery{States: tt.states}, size)
			if !slices.Equal(got, tt.want) {
				t.Errorf("states %v, size %d: listed %v, want %v", tt.states, size, got, tt.want)
			}
		}
	}
	page, _, err := st.ListIncidents(ctx, dispatch.IncidentQuery{PageSize: 1, States: []dispatch.State{dispatch.StateDispatching}})
	if err != nil || len(page) != 1 || page[0].State != dispatch.StateDispatching || len(page[0].Timeline) != 2 {
		t.Errorf("first dispatching = %+v, %v; want s4 as stored now", page, err)
	}
}

func testListCells(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	stored(t, st, "here", Base.Add(3*time.Second), Shenyang)
	stored(t, st, "near", Base.Add(2*time.Second), shenyangNear)
	stored(t, st, "far", Base.Add(1*time.Second), beijing)
	if _, _, err := st.CreateIncident(ctx, incident("nocell", 0)); err != nil { // at Base, Cell 0
		t.Fatal(err)
	}
	here, near, far := cellOf(t, Shenyang), cellOf(t, shenyangNear), cellOf(t, beijing)
	city := parentOf(t, here, 5)
	if here == near || parentOf(t, near, 5) != city || parentOf(t, far, 5) == city {
		t.Fatalf("fixture: here %s, near %s, far %s, city %s", here, near, far, city)
	}
	if _, err := st.Transition(ctx, "near", dispatch.StateNew, dispatch.StateCancelled, dispatch.Event{At: Base}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		cells  []h3.Cell
		states []dispatch.State
		want   []string
	}{
		{"every cell", nil, nil, []string{"here", "near", "far", "nocell"}},
		{"city (res 5)", []h3.Cell{city}, nil, []string{"here", "near"}},
		{"exact res-9 cell", []h3.Cell{near}, nil, []string{"near"}},
		{"res 8 around here", []h3.Cell{parentOf(t, here, 8)}, nil, []string{"here"}},
		{"city and Beijing", []h3.Cell{far, city}, nil, []string{"here", "near", "far"}},
		{"nested", []h3.Cell{city, here, parentOf(t, here, 3)}, nil, []string{"here", "near"}},
		{"city, new only", []h3.Cell{city}, []dispatch.State{dispatch.StateNew}, []string{"here"}},
		{"Beijing, cancelled", []h3.Cell{far}, []dispatch.State{dispatch.StateCancelled}, nil},
	}
	for _, tt := range tests {
		for _, size := range []int{1, 3, 50} {
			got := listAll(t, st, dispatch.IncidentQuery{Cells: tt.cells, States: tt.states}, size)
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s, size %d: listed %v, want %v", tt.name, size, got, tt.want)
			}
		}
	}
}

func testListEmpty(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	page, next, err := st.ListIncidents(ctx, dispatch.IncidentQuery{PageSize: 10})
	if err != nil || len(page) != 0 || next != nil {
		t.Errorf("empty store: %v, next %v, %v; want nothing", page, next, err)
	}
	stored(t, st, "a", Base, Shenyang)
	page, next, err = st.ListIncidents(ctx, dispatch.IncidentQuery{PageSize: 10,
		After: &dispatch.Cursor{CreatedAt: Base, ID: "a"}})
	if err != nil || len(page) != 0 || next != nil {
		t.Errorf("after the last: %v, next %v, %v; want nothing", page, next, err)
	}
	page, next, err = st.ListIncidents(ctx, dispatch.IncidentQuery{PageSize: 1})
	if err != nil || len(page) != 1 || next != nil {
		t.Errorf("one incident, page size 1: %d, next %v, %v; want it and no next", len(page), next, err)
	}
}

func testListInvalid(t *testing.T, newStore newStoreFunc) {
	st, ctx := newStore(t), context.Background()
	stored(t, st, "a", Base, Shenyang)
	res10, err := h3.LatLngToCell(h3.LatLng{Lat: Shenyang.Lat, Lng: Shenyang.Lng}, 10)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]dispatch.IncidentQuery{
		"page size 0":       {},
		"page size -1":      {PageSize: -1},
		"page size 501":     {PageSize: dispatch.MaxPageSize + 1},
		"state unspecified": {PageSize: 1, States: []dispatch.State{dispatch.StateUnspecified}},
		"state 99":          {PageSize: 1, States: []dispatch.State{99}},
		"cell res 10":       {PageSize: 1, Cells: []h3.Cell{res10}},
		"cell invalid":      {PageSize: 1, Cells: []h3.Cell{0x1234}},
		"too many cells":    {PageSize: 1, Cells: make([]h3.Cell, dispatch.MaxQueryCells+1)},
		"cursor without id": {PageSize: 1, After: &dispatch.Cursor{CreatedAt: Base}},
	}
	for name, q := range bad {
		page, _, err := st.ListIncidents(ctx, q)
		wantErr(t, "ListIncidents("+name+")", err, dispatch.ErrInvalid)
		if len(page) != 0 {
			t.Errorf("ListIncidents(%s) returned %d incidents", name, len(page))
		}
	}
	for _, tok := range []string{"", "x", "12", "12:", "x:a", ":a", "1.5:a", "99999999999999999999:a"} {
		_, err := dispatch.ParseCursor(tok)
		wantErr(t, fmt.Sprintf("ParseCursor(%q)", tok), err, dispatch.ErrInvalid)
	}
	c := dispatch.Cursor{CreatedAt: Base.Add(time.Nanosecond), ID: "a:b"}
	got, err := dispatch.ParseCursor(c.String())
	if err != nil || got.Compare(c) != 0 || got.ID != c.ID {
		t.Errorf("ParseCursor(%q) = %v, %v; want %v", c.String(), got, err, c)
	}
}

// testServiceList lists through dispatch.Service: 0 is the default page
// size, and the service refuses what the store would.
func testServiceList(t *testing.T, newStore newStoreFunc) {
	clock := presencetest.NewClock(Base)
	svc, err := dispatch.NewService(newStore(t), &Finder{}, &Statuses{},
		dispatch.Config{Policy: OneSlotPolicy(), CallerKey: CallerKey, Now: clock.Now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var want []string
	for k := range dispatch.DefaultPageSize + 2 {
		clock.Set(Base.Add(time.Duration(k/2) * time.Second)) // pairs tie
		inc, err := svc.CreateIncident(ctx, dispatch.NewIncident{Category: "dispute", Severity: 2,
			Position: Shenyang, Source: dispatch.SourceConsole})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, inc.ID)
	}
	page, next, err := svc.ListIncidents(ctx, dispatch.IncidentQuery{Cells: []h3.Cell{cellOf(t, Shenyang)}})
	if err != nil || len(page) != dispatch.DefaultPageSize || next == nil {
		t.Fatalf("first page = %d incidents, next %v, %v; want %d and a next", len(page), next, err, dispatch.DefaultPageSize)
	}
	rest, next2, err := svc.ListIncidents(ctx, dispatch.IncidentQuery{Cells: []h3.Cell{cellOf(t, Shenyang)}, After: next})
	if err != nil || len(rest) != 2 || next2 != nil {
		t.Fatalf("second page = %d incidents, next %v, %v; want 2, no next", len(rest), next2, err)
	}
	all := append(page, rest...)
	for i := 1; i < len(all); i++ {
		if dispatch.CursorOf(&all[i-1]).Compare(dispatch.CursorOf(&all[i])) >= 0 {
			t.Errorf("incidents %d and %d out of order: %v, %v", i-1, i, dispatch.CursorOf(&all[i-1]), dispatch.CursorOf(&all[i]))
		}
	}
	if got := ids(all); !sameSet(got, want) {
		t.Errorf("listed %v, want %v in some order", got, want)
	}
	_, _, err = svc.ListIncidents(ctx, dispatch.IncidentQuery{PageSize: dispatch.MaxPageSize + 1})
	wantErr(t, "Service.ListIncidents(page size 501)", err, dispatch.ErrInvalid)
}

// ids returns the ids of incs.
func ids(incs []dispatch.Incident) []string {
	out := make([]string, len(incs))
	for i, inc := range incs {
		out[i] = inc.ID
	}
	return out
}

// sameSet reports whether a and b hold the same strings, each once.
func sameSet(a, b []string) bool {
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	return slices.Equal(a, b) && len(slices.Compact(a)) == len(b)
}
