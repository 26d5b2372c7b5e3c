package dispatch_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/dispatch/dispatchtest"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/memory"
)

// countingFinder records the queries it passes on to its Finder, and
// fails them with err when set.
type countingFinder struct {
	dispatch.Finder
	mu      sync.Mutex
	queries []presence.Query
	err     error
}

func (f *countingFinder) FindResponders(ctx context.Context, q presence.Query) ([]presence.Circle, error) {
	f.mu.Lock()
	f.queries = append(f.queries, q)
	err := f.err
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return f.Finder.FindResponders(ctx, q)
}

// reset forgets the queries so far and sets the error of the next ones.
func (f *countingFinder) reset(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries, f.err = nil, err
}

func (f *countingFinder) Queries() []presence.Query {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.queries)
}

// newCandidatesEnv is newEnv with the default policy, whose "dispute"
// rule asks for two local responders from circle 0 and a patrol from
// circle 1, and a finder that counts its queries.
func newCandidatesEnv(t *testing.T) (*env, *countingFinder) {
	t.Helper()
	e := newEnv(t)
	f := &countingFinder{Finder: e.finder}
	var err error
	e.svc, err = dispatch.NewService(memory.NewDispatch(), f, e.statuses, dispatch.Config{
		CallerKey: dispatchtest.CallerKey, Now: e.clock.Now, Sink: e.sink}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e, f
}

// circleIDs returns the responder ids of each circle.
func circleIDs(cs []presence.Circle) [][]string {
	out := make([][]string, len(cs))
	for i, c := range cs {
		out[i] = []string{}
		for _, r := range c.Responders {
			out[i] = append(out[i], r.ID)
		}
	}
	return out
}

func TestServiceCandidates(t *testing.T) {
	e, f := newCandidatesEnv(t)
	e.finder.Set(dispatchtest.Responders(grid.WatchVolunteer, "v1", "v2"),
		append(dispatchtest.Responders(grid.PatrolOfficer, "p1"), dispatchtest.Responders(grid.WatchVolunteer, "v3")...), nil)
	ctx := context.Background()
	req := request("")
	req.Category = "dispute"
	inc, err := e.svc.CreateIncident(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	f.reset(nil)
	got, err := e.svc.Candidates(ctx, inc.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		circles [][]string
		offered []string
	}{
		{[][]string{{"v1", "v2"}, {"v3"}, {}}, []string{"v1", "v2"}}, // v3 was not offered
		{[][]string{{"v1", "v2"}, {"v3"}, {}}, []string{"v1", "v2"}},
		{[][]string{{}, {"p1"}, {}}, []string{"p1"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d slots, want %d", len(got), len(want))
	}
	for i, w := range want {
		if g := circleIDs(got[i].Circles); !slices.EqualFunc(g, w.circles, slices.Equal) {
			t.Errorf("slot %d circles: got %v, want %v", i, g, w.circles)
		}
		if !slices.Equal(got[i].Offered, w.offered) {
			t.Errorf("slot %d offered: got %v, want %v", i, got[i].Offered, w.offered)
		}
		if got[i].Slot.Index != i || !slices.Equal(got[i].Slot.Kinds, inc.Slots[i].Kinds) {
			t.Errorf("slot %d: got %+v, want %+v", i, got[i].Slot, inc.Slots[i])
		}
	}
	qs := f.Queries()
	if len(qs) != 2 {
		t.Fatalf("%d searches for 3 slots of 2 kind sets, want 2", len(qs))
	}
	for _, q := range qs {
		if q.Point != inc.Position || q.Limit != dispatch.DefaultCandidates {
			t.Errorf("query %+v: want the incident's position and limit %d", q, dispatch.DefaultCandidates)
		}
	}
}

func TestServiceCandidatesLimit(t *testing.T) {
	e, f := newCandidatesEnv(t)
	ctx := context.Background()
	inc, err := e.svc.CreateIncident(ctx, request(""))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		limit, want int
		wantErr     error
	}{
		{0, dispatch.DefaultCandidates, nil},
		{1, 1, nil},
		{dispatch.MaxCandidates, dispatch.MaxCandidates, nil},
		{-1, 0, dispatch.ErrInvalid},
		{dispatch.MaxCandidates + 1, 0, dispatch.ErrInvalid},
	}
	for _, tt := range tests {
		f.reset(nil)
		_, err := e.svc.Candidates(ctx, inc.ID, tt.limit)
		if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("Candidates(limit %d): %v, want %v", tt.limit, err, tt.wantErr)
			continue
		}
		qs := f.Queries()
		if tt.wantErr != nil && len(qs) != 0 {
			t.Errorf("Candidates(limit %d) searched %d times after failing", tt.limit, len(qs))
		}
		for _, q := range qs {
			if q.Limit != tt.want {
				t.Errorf("Candidates(limit %d) searched with limit %d, want %d", tt.limit, q.Limit, tt.want)
			}
		}
	}
}

func TestServiceCandidatesErrors(t *testing.T) {
	e, f := newCandidatesEnv(t)
	ctx := context.Background()
	active, err := e.svc.CreateIncident(ctx, request("active"))
	if err != nil {
		t.Fatal(err)
	}
	ended, err := e.svc.CreateIncident(ctx, request("ended"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Transition(ctx, ended.ID, dispatch.StateCancelled, "d1", ""); err != nil {
		t.Fatal(err)
	}
	down := errors.New("presence down")
	tests := []struct {
		name     string
		id       string
		finder   error
		want     error
		alsoWant error
	}{
		{"missing", "nope", nil, dispatch.ErrNotFound, nil},
		{"cancelled", ended.ID, nil, dispatch.ErrNotActive, grid.ErrFailedPrecondition},
		{"finder fails", active.ID, down, down, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.reset(tt.finder)
			got, err := e.svc.Candidates(ctx, tt.id, 0)
			if !errors.Is(err, tt.want) || got != nil {
				t.Errorf("Candidates = %v, %v; want nil, %v", got, err, tt.want)
			}
			if tt.alsoWant != nil && !errors.Is(err, tt.alsoWant) {
				t.Errorf("Candidates: %v does not match %v", err, tt.alsoWant)
			}
		})
	}
}
