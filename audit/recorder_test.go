package audit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/audit/audittest"
)

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want audit.ID
		ok   bool
	}{
		{"1700000000000-0", audit.ID{MS: 1700000000000}, true},
		{"5-7", audit.ID{MS: 5, Seq: 7}, true},
		{"0-0", audit.ID{}, false},
		{"", audit.ID{}, false},
		{"12", audit.ID{}, false},
		{"1-x", audit.ID{}, false},
		{"-1-2", audit.ID{}, false},
	}
	for _, tt := range tests {
		got, err := audit.ParseID(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseID(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, audit.ErrInvalid) {
			t.Errorf("ParseID(%q): %v does not match ErrInvalid", tt.in, err)
		}
		if tt.ok && got.String() != tt.in {
			t.Errorf("ParseID(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestIDCompare(t *testing.T) {
	ids := []audit.ID{{}, {MS: 1}, {MS: 1, Seq: 1}, {MS: 2}, {MS: 10}}
	for i, a := range ids {
		for j, b := range ids {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestShape(t *testing.T) {
	fine, _ := audittest.Cell.Children(10)
	objs := make([]string, audit.MaxObjects+5)
	for i := range objs {
		objs[i] = "responders/r"
	}
	long := strings.Repeat("界", 200) // 600 bytes
	in := append([]string{long}, objs...)
	r := audit.Shape(audit.Record{ID: audit.ID{MS: 9}, At: time.Now(), Action: long, Actor: "a\xffb",
		Objects: in, Omitted: 2, Cell: fine[0]})
	if in[0] != long {
		t.Errorf("Shape wrote the caller's objects: %q", in[0])
	}
	if !r.ID.IsZero() || !r.At.IsZero() {
		t.Errorf("Shape kept ID %v and At %v; the store sets them", r.ID, r.At)
	}
	if r.Cell != audittest.Cell {
		t.Errorf("Cell %v, want the resolution-7 parent %v", r.Cell, audittest.Cell)
	}
	if len(r.Objects) != audit.MaxObjects || r.Omitted != 2+6 {
		t.Errorf("%d objects, %d omitted; want %d and 8", len(r.Objects), r.Omitted, audit.MaxObjects)
	}
	if len(r.Action) > audit.MaxFieldBytes || !strings.HasPrefix(long, r.Action) || len(r.Objects[0]) > audit.MaxObjectBytes {
		t.Errorf("Action of %d bytes, object of %d: not cut at a character", len(r.Action), len(r.Objects[0]))
	}
	if r.Actor != "a\uFFFDb" {
		t.Errorf("Actor %q: invalid UTF-8 not replaced", r.Actor)
	}
	if c := audit.Shape(audit.Record{Cell: h3.Cell(12345)}).Cell; c != 0 {
		t.Errorf("an invalid cell became %v, want 0", c)
	}
	coarse, _ := audittest.Cell.Parent(5)
	if c := audit.Shape(audit.Record{Cell: coarse}).Cell; c != 0 {
		t.Errorf("a resolution-5 cell became %v, want 0", c)
	}
}

// brokenStore fails every call.
type brokenStore struct{}

var errDown = errors.New("store down")

func (brokenStore) Append(context.Context, audit.Record) (audit.Record, error) {
	return audit.Record{}, errDown
}
func (brokenStore) List(context.Context, audit.Query) (audit.Page, error) {
	return audit.Page{}, errDown
}
func (brokenStore) Trim(context.Context, time.Time) (int64, error) { return 0, errDown }

func TestRecorderErrors(t *testing.T) {
	ctx := context.Background()
	rec := audit.NewRecorder(brokenStore{}, nil)
	_, err := rec.Record(ctx, audit.Record{Action: "x.Y"})
	if !errors.Is(err, audit.ErrUnrecorded) || !errors.Is(err, errDown) {
		t.Errorf("Record on a broken store: %v; want ErrUnrecorded wrapping the cause", err)
	}
	if _, err := rec.Record(ctx, audit.Record{}); !errors.Is(err, audit.ErrUnrecorded) {
		t.Errorf("Record without an action: %v; want ErrUnrecorded", err)
	}
	now := time.Now()
	bad := []audit.Query{{Limit: -1}, {Limit: audit.MaxLimit + 1}, {Since: now, Until: now}}
	for _, q := range bad {
		if _, err := rec.List(ctx, q); !errors.Is(err, audit.ErrInvalid) {
			t.Errorf("List(%+v): %v, want ErrInvalid", q, err)
		}
	}
	if n, err := rec.Trim(ctx, 0); n != 0 || err != nil {
		t.Errorf("Trim(0) = %d, %v; want nothing done", n, err)
	}
	if _, err := rec.Trim(ctx, time.Hour); !errors.Is(err, errDown) {
		t.Errorf("Trim on a broken store: %v", err)
	}
}

// trimStore records the cut-off of Trim.
type trimStore struct {
	brokenStore
	before time.Time
}

func (s *trimStore) Trim(_ context.Context, before time.Time) (int64, error) {
	s.before = before
	return 1, nil
}

func TestRecorderTrimUsesClock(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	st := &trimStore{}
	rec := audit.NewRecorder(st, func() time.Time { return now })
	if _, err := rec.Trim(context.Background(), 400*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if want := now.Add(-400 * 24 * time.Hour); !st.before.Equal(want) {
		t.Errorf("Trim cut at %s, want %s", st.before, want)
	}
}

func TestQueryBounds(t *testing.T) {
	ms := func(n int64) time.Time { return time.UnixMilli(n) }
	tests := []struct {
		q      audit.Query
		lo, hi audit.ID
	}{
		{audit.Query{}, audit.ID{}, audit.ID{}},
		{audit.Query{Since: ms(10), Until: ms(20)}, audit.ID{MS: 10}, audit.ID{MS: 20}},
		{audit.Query{Since: ms(10).Add(500 * time.Microsecond), Until: ms(20).Add(time.Nanosecond)},
			audit.ID{MS: 11}, audit.ID{MS: 21}},
		{audit.Query{Until: ms(20), After: audit.ID{MS: 15, Seq: 3}}, audit.ID{}, audit.ID{MS: 15, Seq: 3}},
		{audit.Query{Until: ms(20), After: audit.ID{MS: 25}}, audit.ID{}, audit.ID{MS: 20}},
	}
	for _, tt := range tests {
		if lo, hi := tt.q.Lower(), tt.q.Upper(); lo != tt.lo || hi != tt.hi {
			t.Errorf("%+v: bounds %v, %v; want %v, %v", tt.q, lo, hi, tt.lo, tt.hi)
		}
	}
}
