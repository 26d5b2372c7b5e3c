package presence_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/presence"
)

func TestReportRejects(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	f.start(t, "v1")
	ok := presence.Update{ResponderID: "v1", Position: centre, AccuracyM: 5, FixTime: t0}
	for _, c := range []struct {
		name  string
		edit  func(u *presence.Update)
		field string
	}{
		{"no id", func(u *presence.Update) { u.ResponderID = "" }, "responder_id"},
		{"NaN latitude", func(u *presence.Update) { u.Position.Lat = math.NaN() }, "position"},
		{"longitude out of range", func(u *presence.Update) { u.Position.Lng = 181 }, "position"},
		{"negative accuracy", func(u *presence.Update) { u.AccuracyM = -1 }, "accuracy_m"},
		{"NaN accuracy", func(u *presence.Update) { u.AccuracyM = math.NaN() }, "accuracy_m"},
		{"infinite accuracy", func(u *presence.Update) { u.AccuracyM = math.Inf(1) }, "accuracy_m"},
		{"no fix time", func(u *presence.Update) { u.FixTime = time.Time{} }, "fix_time"},
		{"fix in the future", func(u *presence.Update) { u.FixTime = t0.Add(5*time.Minute + time.Nanosecond) }, "fix_time"},
	} {
		u := ok
		c.edit(&u)
		_, err := f.svc.Report(context.Background(), u)
		if got := fieldOf(t, err); got != c.field {
			t.Errorf("%s: error names %q, want %q", c.name, got, c.field)
		}
	}
	ok.FixTime = t0.Add(5 * time.Minute)
	if applied, err := f.svc.Report(context.Background(), ok); err != nil || !applied {
		t.Errorf("a fix at the skew limit = %v, %v; want applied", applied, err)
	}
}

func TestReportOlderIgnored(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	ctx := context.Background()
	f.start(t, "v1")
	f.report(t, "v1", centre)
	want, _ := f.svc.Get(ctx, "v1")
	f.clock.Advance(10 * time.Second)
	applied, err := f.svc.Report(ctx, presence.Update{ResponderID: "v1", Position: north(500),
		FixTime: want.FixTime.Add(-time.Millisecond)})
	if err != nil || applied {
		t.Fatalf("Report of an older fix = %v, %v; want false, nil", applied, err)
	}
	if got, _ := f.svc.Get(ctx, "v1"); got != want {
		t.Errorf("the older fix changed the record:\n got %+v\nwant %+v", got, want)
	}
}

func TestStale(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	ctx := context.Background()
	f.start(t, "v1")
	f.report(t, "v1", centre)
	q := presence.Query{Point: north(50)}
	for _, c := range []struct {
		advance time.Duration
		report  bool
		want    []string
	}{
		{60 * time.Second, false, []string{"v1"}},
		{time.Nanosecond, false, []string{}},
		{time.Hour, false, []string{}},
		{0, true, []string{"v1"}},
	} {
		f.clock.Advance(c.advance)
		if c.report {
			f.report(t, "v1", centre)
		}
		cs, err := f.svc.FindResponders(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(cs[0]); !slices.Equal(got, c.want) {
			t.Errorf("after %v (report %v): circle 1 = %v, want %v", c.advance, c.report, got, c.want)
		}
	}
}

func TestReportBatch(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	f.start(t, "v1")
	now := f.clock.Now()
	us := []presence.Update{
		{ResponderID: "v1", Position: centre, FixTime: now},
		{ResponderID: "v1", Position: geo.LatLng{Lat: 91}, FixTime: now},
		{ResponderID: "v1", Position: north(10), FixTime: now.Add(-time.Second)},
		{ResponderID: "v2", Position: centre, FixTime: now},
		{ResponderID: "v1", Position: north(20), FixTime: now},
	}
	applied, busy, errs := f.svc.ReportBatchApplied(context.Background(), us)
	if want := []bool{true, false, false, false, true}; !slices.Equal(applied, want) {
		t.Errorf("applied = %v, want %v", applied, want)
	}
	if want := make([]bool, len(us)); !slices.Equal(busy, want) {
		t.Errorf("busy = %v, want all false (v1 is available)", busy)
	}
	if err := f.svc.SetStatus(context.Background(), "v1", presence.Busy); err != nil {
		t.Fatal(err)
	}
	later := []presence.Update{{ResponderID: "v1", Position: north(30), FixTime: now}}
	if applied, busy, errs := f.svc.ReportBatchApplied(context.Background(), later); !applied[0] || !busy[0] || errs[0] != nil {
		t.Errorf("busy responder's update: applied %v busy %v err %v, want true true nil", applied, busy, errs)
	}
	if errs[0] != nil || !errors.Is(errs[1], geo.ErrInvalid) || errs[2] != nil ||
		!errors.Is(errs[3], presence.ErrNotOnShift) || errs[4] != nil {
		t.Errorf("errs = %v", errs)
	}
	if got := f.svc.ReportBatch(context.Background(), us[:2]); len(got) != 2 || got[0] != nil || got[1] == nil {
		t.Errorf("ReportBatch = %v, want [nil, invalid]", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i, err := range f.svc.ReportBatch(ctx, us) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("canceled batch: errs[%d] = %v", i, err)
		}
	}
}
