package presence_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/presence/presencetest"
	"github.com/gridwatch/gridwatch/store/memory"
)

func TestNewServiceRejects(t *testing.T) {
	st, loc := memory.NewPresence(), presencetest.Locator(locator)
	for _, c := range []struct {
		name string
		cfg  presence.Config
	}{
		{"negative stale", presence.Config{StaleAfter: -time.Second}},
		{"limit above max", presence.Config{DefaultLimit: presence.MaxLimit + 1}},
		{"negative limit", presence.Config{DefaultLimit: -1}},
		{"negative skew", presence.Config{MaxFutureSkew: -time.Second}},
		{"no circles", presence.Config{Circles: []float64{}}},
		{"circles not increasing", presence.Config{Circles: []float64{60, 60, 300}}},
		{"circle NaN", presence.Config{Circles: []float64{60, math.NaN()}}},
		{"circle zero", presence.Config{Circles: []float64{0, 60}}},
		{"circle too long", presence.Config{Circles: []float64{60, presence.MaxCircleSeconds + 1}}},
		{"bad model", presence.Config{Model: presence.Linear{Circuity: 0.5}}},
	} {
		if _, err := presence.NewService(st, roster, loc, c.cfg, nil); err == nil {
			t.Errorf("%s: NewService = nil error", c.name)
		}
	}
	if _, err := presence.NewService(nil, roster, loc, presence.Config{}, nil); err == nil {
		t.Error("NewService without a store = nil error")
	}
}

func TestStartShift(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	ctx := context.Background()
	got, err := f.svc.StartShift(ctx, "co1")
	want := presence.Record{ID: "co1", Kind: grid.CommunityOfficer, Mode: grid.Bike, HomeGrid: "P1",
		Status: presence.Available, ShiftStart: t0}
	if err != nil || got != want {
		t.Fatalf("StartShift = %+v, %v; want %+v", got, err, want)
	}
	f.clock.Advance(time.Hour)
	if again, err := f.svc.StartShift(ctx, "co1"); err != nil || again != want {
		t.Errorf("StartShift again = %+v, %v; want the open shift %+v", again, err, want)
	}
	if rec, err := f.svc.StartShift(ctx, "patrol"); err != nil || rec.Mode != grid.Car {
		t.Errorf("StartShift(patrol) = %+v, %v; want the default mode car", rec, err)
	}
	if _, err := f.svc.StartShift(ctx, "ghost"); !errors.Is(err, grid.ErrNotFound) {
		t.Errorf("StartShift(ghost): err = %v, want grid.ErrNotFound", err)
	}
	if _, err := f.svc.StartShift(ctx, ""); fieldOf(t, err) != "responder_id" {
		t.Errorf("StartShift(\"\"): err = %v, want responder_id", err)
	}
}

func TestEndShift(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	ctx := context.Background()
	f.start(t, "v1")
	f.report(t, "v1", centre)
	rec, err := f.svc.EndShift(ctx, "v1")
	if err != nil || rec.ID != "v1" || !rec.HasFix {
		t.Fatalf("EndShift = %+v, %v", rec, err)
	}
	for name, err := range map[string]error{
		"Get":      func() error { _, err := f.svc.Get(ctx, "v1"); return err }(),
		"EndShift": func() error { _, err := f.svc.EndShift(ctx, "v1"); return err }(),
		"Report": func() error {
			_, err := f.svc.Report(ctx, presence.Update{ResponderID: "v1", Position: centre, FixTime: t0})
			return err
		}(),
		"SetStatus": f.svc.SetStatus(ctx, "v1", presence.Busy),
	} {
		if !errors.Is(err, presence.ErrNotOnShift) {
			t.Errorf("%s after EndShift: err = %v, want ErrNotOnShift", name, err)
		}
	}
}

func TestSetStatus(t *testing.T) {
	f := newFixture(t, presence.Config{}, nil)
	ctx := context.Background()
	f.start(t, "v1")
	for _, c := range []struct {
		status  presence.Status
		invalid bool
	}{
		{presence.Busy, false}, {presence.Available, false},
		{presence.OffDuty, true}, {presence.StatusUnspecified, true}, {presence.Status(9), true},
	} {
		err := f.svc.SetStatus(ctx, "v1", c.status)
		if c.invalid {
			if field := fieldOf(t, err); field != "status" {
				t.Errorf("SetStatus(%s) names %q, want status", c.status, field)
			}
			continue
		}
		if err != nil {
			t.Fatalf("SetStatus(%s): %v", c.status, err)
		}
		if rec, _ := f.svc.Get(ctx, "v1"); rec.Status != c.status {
			t.Errorf("status = %s, want %s", rec.Status, c.status)
		}
	}
}

// TestLogsCarryCells checks that no log line carries a coordinate.
func TestLogsCarryCells(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFixture(t, presence.Config{}, log)
	f.start(t, "co1")
	p := north(123.456)
	f.report(t, "co1", p)
	if _, err := f.svc.EndShift(context.Background(), "co1"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, coord := range []string{"41.80", "123.43"} {
		if strings.Contains(out, coord) {
			t.Errorf("logs carry a coordinate %s:\n%s", coord, out)
		}
	}
	if !strings.Contains(out, `"cell":"88`) {
		t.Errorf("logs carry no cell:\n%s", out)
	}
}
