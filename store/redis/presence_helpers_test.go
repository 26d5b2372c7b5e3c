package redis_test

import (
	"context"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/store/redis"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// t0 is the tests' clock origin.
var t0 = time.Date(2025, 3, 1, 8, 0, 0, 123456789, time.UTC)

// Positions in Shenyang and in Dalian, which lie in different shards.
var (
	syPos = geo.LatLng{Lat: 41.7962, Lng: 123.4510}
	dlPos = geo.LatLng{Lat: 38.9140, Lng: 121.6147}
)

// server is a kind of Redis the presence tests run on.
type server struct {
	name   string
	client func(testing.TB) goredis.UniversalClient
}

var servers = []server{
	{"standalone", func(t testing.TB) goredis.UniversalClient { return redistest.New(t) }},
	{"cluster", func(t testing.TB) goredis.UniversalClient { return redistest.NewCluster(t) }},
}

// onServers runs test as a subtest per kind of server.
func onServers(t *testing.T, test func(t *testing.T, srv server)) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) { test(t, srv) })
	}
}

// newPresence returns a Presence on a server of srv's kind under a prefix
// of its own.
func (srv server) newPresence(t testing.TB) *redis.Presence {
	return redis.NewPresence(redis.Options{Client: srv.client(t), Prefix: redistest.Prefix(t)})
}

// startRec is the record the service stores at the start of a shift.
func startRec(id string, kind grid.ResponderKind, mode grid.TravelMode) presence.Record {
	return presence.Record{ID: id, Kind: kind, Mode: mode, HomeGrid: "P-1",
		Status: presence.Available, ShiftStart: t0}
}

// moveTo is a move of id to p with a fix and a server time at t0+at.
func moveTo(t testing.TB, id string, p geo.LatLng, at time.Duration) presence.Move {
	t.Helper()
	c, err := h3.LatLngToCell(h3.LatLng{Lat: p.Lat, Lng: p.Lng}, presence.IndexResolution)
	if err != nil {
		t.Fatal(err)
	}
	return presence.Move{Update: presence.Update{ResponderID: id, Position: p, AccuracyM: 7.5,
		FixTime: t0.Add(at)}, Cell: c, SeenAt: t0.Add(at)}
}

// mustStart starts shifts and fails t on error.
func mustStart(t testing.TB, st presence.Store, recs ...presence.Record) {
	t.Helper()
	for _, r := range recs {
		if _, err := st.StartShift(context.Background(), r); err != nil {
			t.Fatalf("StartShift(%s): %v", r.ID, err)
		}
	}
}

// mustMove applies moves and fails t unless each is applied.
func mustMove(t testing.TB, st presence.Store, ms ...presence.Move) {
	t.Helper()
	for _, m := range ms {
		if ok, err := st.Move(context.Background(), m); err != nil || !ok {
			t.Fatalf("Move(%s to %v) = %v, %v; want applied", m.ResponderID, m.Position, ok, err)
		}
	}
}

// normal strips locations and monotonic readings so that records compare
// with ==.
func normal(r presence.Record) presence.Record {
	r.ShiftStart, r.FixTime, r.SeenAt = r.ShiftStart.UTC(), r.FixTime.UTC(), r.SeenAt.UTC()
	return r
}

// applied is r after m, as Move describes.
func applied(r presence.Record, m presence.Move) presence.Record {
	r.HasFix, r.Position, r.Cell, r.AccuracyM = true, m.Position, m.Cell, m.AccuracyM
	r.FixTime, r.SeenAt, r.Inside = m.FixTime, m.SeenAt, m.Inside
	return r
}

// ids returns the candidates' IDs.
func ids(cs []presence.Candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// radii returns a NearbyQuery radius array with r for walk, bike and car.
func radii(r float64) [4]float64 { return [4]float64{0, r, r, r} }
