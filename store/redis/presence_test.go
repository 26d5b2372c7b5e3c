package redis_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/redis"
)

func TestPresenceShift(t *testing.T) {
	onServers(t, func(t *testing.T, srv server) {
		ctx := context.Background()
		st := srv.newPresence(t)
		r := startRec("R1", grid.CommunityOfficer, grid.Walk)
		got, err := st.StartShift(ctx, r)
		if err != nil || normal(got) != normal(r) {
			t.Fatalf("StartShift = %+v, %v; want %+v", got, err, r)
		}
		again := r
		again.ShiftStart, again.Mode = t0.Add(time.Hour), grid.Car
		if got, err = st.StartShift(ctx, again); err != nil || normal(got) != normal(r) {
			t.Errorf("second StartShift = %+v, %v; want the first record %+v", got, err, r)
		}
		if got, err = st.Get(ctx, "R1"); err != nil || normal(got) != normal(r) {
			t.Errorf("Get = %+v, %v; want %+v", got, err, r)
		}
		if got, err = st.EndShift(ctx, "R1"); err != nil || normal(got) != normal(r) {
			t.Errorf("EndShift = %+v, %v; want %+v", got, err, r)
		}
		checkOffShift(t, st, "R1")
		checkOffShift(t, st, "never")
	})
}

// checkOffShift checks that every per-responder call says ErrNotOnShift.
func checkOffShift(t *testing.T, st presence.Store, id string) {
	t.Helper()
	ctx := context.Background()
	tests := []struct {
		name string
		err  error
	}{
		{"Get", second(st.Get(ctx, id))},
		{"EndShift", second(st.EndShift(ctx, id))},
		{"SetStatus", st.SetStatus(ctx, id, presence.Busy)},
		{"Move", second(st.Move(ctx, moveTo(t, id, syPos, time.Minute)))},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, presence.ErrNotOnShift) {
			t.Errorf("%s(%s) error = %v, want ErrNotOnShift", tt.name, id, tt.err)
		}
	}
}

func TestPresenceMove(t *testing.T) {
	onServers(t, func(t *testing.T, srv server) {
		ctx := context.Background()
		st := srv.newPresence(t)
		r := startRec("R1", grid.PatrolOfficer, grid.Car)
		mustStart(t, st, r)
		near := geo.LatLng{Lat: 41.79620000000001, Lng: 123.45100000000002} // bits a GEO set loses
		m1, m2 := moveTo(t, "R1", near, 10*time.Second), moveTo(t, "R1", syPos, 20*time.Second)
		older := moveTo(t, "R1", dlPos, 15*time.Second)
		same := m2
		same.Position.Lat += 1e-4
		tests := []struct {
			name        string
			m           presence.Move
			wantApplied bool
			want        presence.Record
		}{
			{"first fix", m1, true, applied(r, m1)},
			{"newer", m2, true, applied(r, m2)},
			{"older fix", older, false, applied(r, m2)},
			{"same fix time", same, true, applied(r, same)},
		}
		for _, tt := range tests {
			ok, err := st.Move(ctx, tt.m)
			if err != nil || ok != tt.wantApplied {
				t.Errorf("%s: Move = %v, %v; want %v", tt.name, ok, err, tt.wantApplied)
			}
			got, err := st.Get(ctx, "R1")
			if err != nil || normal(got) != normal(tt.want) {
				t.Errorf("%s: Get = %+v, %v\nwant %+v", tt.name, got, err, tt.want)
			}
		}
	})
}

func TestPresenceSetStatus(t *testing.T) {
	onServers(t, func(t *testing.T, srv server) {
		ctx := context.Background()
		st := srv.newPresence(t)
		mustStart(t, st, startRec("R1", grid.WatchVolunteer, grid.Walk))
		mustMove(t, st, moveTo(t, "R1", syPos, 0))
		q := presence.NearbyQuery{Center: syPos, Radius: radii(100)}
		tests := []struct {
			status presence.Status
			want   []string
		}{
			{presence.Busy, []string{}},
			{presence.Available, []string{"R1"}},
		}
		for _, tt := range tests {
			if err := st.SetStatus(ctx, "R1", tt.status); err != nil {
				t.Fatalf("SetStatus(%v): %v", tt.status, err)
			}
			got, err := st.Nearby(ctx, q, nil)
			if err != nil || !slices.Equal(ids(got), tt.want) {
				t.Errorf("after %v: Nearby = %v, %v; want %v", tt.status, ids(got), err, tt.want)
			}
			if r, err := st.Get(ctx, "R1"); err != nil || r.Status != tt.status {
				t.Errorf("after %v: Get status = %v, %v", tt.status, r.Status, err)
			}
		}
		for _, s := range []presence.Status{presence.StatusUnspecified, presence.OffDuty} {
			if err := st.SetStatus(ctx, "R1", s); !errors.Is(err, grid.ErrInvalid) {
				t.Errorf("SetStatus(%v) error = %v, want ErrInvalid", s, err)
			}
		}
	})
}

// TestPresenceAcrossShards moves a responder between two shards and back,
// checking where Nearby finds it, and that a second engine whose cache
// names the old shard follows it.
func TestPresenceAcrossShards(t *testing.T) {
	onServers(t, func(t *testing.T, srv server) {
		ctx := context.Background()
		c, prefix := srv.client(t), redistest.Prefix(t)
		a := redis.NewPresence(redis.Options{Client: c, Prefix: prefix})
		b := redis.NewPresence(redis.Options{Client: c, Prefix: prefix})
		mustStart(t, a, startRec("R1", grid.PatrolOfficer, grid.Car))
		steps := []struct {
			mover  presence.Store
			to     geo.LatLng
			sy, dl []string
		}{
			{a, syPos, []string{"R1"}, []string{}},
			{b, dlPos, []string{}, []string{"R1"}},
			{a, syPos, []string{"R1"}, []string{}}, // a's cache still says Shenyang
			{b, dlPos, []string{}, []string{"R1"}}, // b's says Dalian
		}
		for i, s := range steps {
			mustMove(t, s.mover, moveTo(t, "R1", s.to, time.Duration(i)*time.Second))
			for _, st := range []presence.Store{a, b} {
				checkNearby(t, st, syPos, s.sy)
				checkNearby(t, st, dlPos, s.dl)
				if r, err := st.Get(ctx, "R1"); err != nil || r.Position != s.to {
					t.Errorf("step %d: Get = %v, %v; want at %v", i, r.Position, err, s.to)
				}
			}
		}
		if _, err := a.EndShift(ctx, "R1"); err != nil {
			t.Fatal(err)
		}
		checkOffShift(t, b, "R1")
	})
}

// checkNearby checks the IDs Nearby finds within 50 m of p.
func checkNearby(t *testing.T, st presence.Store, p geo.LatLng, want []string) {
	t.Helper()
	got, err := st.Nearby(context.Background(), presence.NearbyQuery{Center: p, Radius: radii(50)}, nil)
	if err != nil || !slices.Equal(ids(got), want) {
		t.Errorf("Nearby(%v) = %v, %v; want %v", p, ids(got), err, want)
	}
}

func TestPresenceMoveInvalidCell(t *testing.T) {
	st := servers[0].newPresence(t)
	mustStart(t, st, startRec("R1", grid.WatchVolunteer, grid.Walk))
	m := moveTo(t, "R1", syPos, 0)
	m.Cell = 0
	if _, err := st.Move(context.Background(), m); !errors.Is(err, grid.ErrInvalid) {
		t.Errorf("Move with cell 0: %v, want ErrInvalid", err)
	}
}

// TestPresenceOddIDs runs a shift for IDs holding hash-tag and separator
// characters: their keys must stay in one slot (Cluster refuses scripts
// otherwise) and apart from other responders' keys.
func TestPresenceOddIDs(t *testing.T) {
	onServers(t, func(t *testing.T, srv server) {
		ctx := context.Background()
		st := srv.newPresence(t)
		odd := []string{"a}b", "a", "{x}", "c:own:2025-03-01", "é中"}
		for i, id := range odd {
			mustStart(t, st, startRec(id, grid.CommunityOfficer, grid.Walk))
			for j, p := range []geo.LatLng{syPos, dlPos} {
				m := moveTo(t, id, p, time.Duration(2*i+j)*time.Second)
				m.TrackOwnGrid, m.AccrueCap, m.Day, m.Inside = true, time.Minute, "2025-03-01", true
				mustMove(t, st, m)
			}
		}
		got, err := st.Nearby(ctx, presence.NearbyQuery{Center: dlPos, Radius: radii(10)}, nil)
		gotIDs := ids(got)
		slices.Sort(gotIDs)
		want := slices.Sorted(slices.Values(odd))
		if err != nil || !slices.Equal(gotIDs, want) {
			t.Errorf("Nearby = %q, %v; want %q", gotIDs, err, want)
		}
		for _, id := range odd {
			if d, err := st.OwnGridDay(ctx, id, "2025-03-01"); err != nil || d.OnShiftS != 1 {
				t.Errorf("OwnGridDay(%q) = %+v, %v; want 1 s", id, d, err)
			}
			if _, err := st.EndShift(ctx, id); err != nil {
				t.Errorf("EndShift(%q): %v", id, err)
			}
		}
	})
}
