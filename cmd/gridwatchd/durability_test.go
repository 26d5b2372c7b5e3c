package main_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
	"github.com/gridwatch/gridwatch/internal/redistest"
)

// callTimeout is the deadline of each call the durability tests make.
const callTimeout = 5 * time.Second

// TestRedisKilledMidDispatch is the dispatch issue's durability test: a
// redis-server with appendfsync always is killed (SIGKILL) while a client
// creates incidents one after another, with responders on shift near the
// incidents and their offer streams open, then restarted on the same port
// and directory.
//
// While Redis is down, calls fail with UNAVAILABLE, /readyz answers 503,
// grpc.health.v1 reports NOT_SERVING and gridwatchd keeps running. A
// create may also end DEADLINE_EXCEEDED: the client's 5 s deadline can
// pass while gridwatchd waits on a Redis that is dying or restarting
// (dials are retried), and like UNAVAILABLE it acknowledges nothing. Any
// other code fails the test: an outage must never look like bad input, a
// lost race or an internal error.
//
// Once /readyz is 200 again: every acknowledged incident is there with its
// timeline as acknowledged (later events may follow), the offer streams
// opened before the crash still deliver, new creates succeed, and every
// request id, acknowledged or not, retried, yields exactly one incident.
func TestRedisKilledMidDispatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs gridwatchd and a redis-server")
	}
	rs := redistest.NewPersistent(t)
	// The creator calls back to back, far over one caller's unary rate
	// limit (package api tests the limits).
	d := startDaemon(t, buildServer(t), "-store", "redis", "-redis-url", rs.URL(),
		"-stale-after", "10m", "-caller-key", callerKey, "-caller-limits=false")
	conn := dial(t, d.addr)
	placeResponders(t, conn, []responder{
		{"v1", "watch_volunteer", "walk", metresNorth(20)}, {"v2", "watch_volunteer", "walk", metresNorth(30)},
		{"v3", "watch_volunteer", "walk", metresNorth(40)}, {"p1", "patrol_officer", "car", metresNorth(500)},
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	offers := drainOffers(ctx, t, conn, "v1", "v2", "v3", "p1")
	c := &creator{client: gridwatchv1.NewDispatchServiceClient(conn), acked: map[string]*gridwatchv1.Incident{},
		codes: map[codes.Code]int{}}
	stopCreating := c.start()
	defer stopCreating()
	waitFor(t, 30*time.Second, "30 incidents created and offers streamed", func() (bool, string) {
		return c.ackedCount() >= 30 && offers.total() > 0, fmt.Sprintf("%d created, %d offers", c.ackedCount(), offers.total())
	})

	rs.Kill(t)
	checkOutage(t, d, conn, c)
	rs.Restart(t)
	waitReadyz(t, d.addr, 200)
	waitHealth(t, conn, healthpb.HealthCheckResponse_SERVING)
	ackedAtRestart, offersAtRestart := c.ackedCount(), offers.total()
	waitFor(t, 30*time.Second, "5 incidents created after the restart, their offers streamed", func() (bool, string) {
		return c.ackedCount() >= ackedAtRestart+5 && offers.total() > offersAtRestart,
			fmt.Sprintf("%d created, %d offers since", c.ackedCount()-ackedAtRestart, offers.total()-offersAtRestart)
	})
	stopCreating()
	if err := offers.err(); err != nil {
		t.Errorf("an offer stream ended: %v", err)
	}

	acked, failed, seen := c.results()
	t.Logf("%d incidents acknowledged, %d calls not; codes seen %v", len(acked), len(failed), seen)
	checkCodes(t, seen)
	ids := checkAcked(t, c.client, acked)
	maps.Copy(ids, retryFailed(t, c.client, failed))
	checkOneIncidentPerRequest(t, rs.NewClient(t), ids)
	d.stop(t)
}

// checkOutage waits, while Redis is down, for a create to fail with
// UNAVAILABLE, /readyz to answer 503 and health to go NOT_SERVING, and
// checks that a read fails with UNAVAILABLE and gridwatchd still runs.
func checkOutage(t *testing.T, d *daemon, conn *grpc.ClientConn, c *creator) {
	t.Helper()
	waitFor(t, 30*time.Second, "a create failing with UNAVAILABLE", func() (bool, string) {
		_, _, seen := c.results()
		return seen[codes.Unavailable] > 0, fmt.Sprint(seen)
	})
	waitReadyz(t, d.addr, 503)
	waitHealth(t, conn, healthpb.HealthCheckResponse_NOT_SERVING)
	acked, _, _ := c.results()
	ctx, cancel := context.WithTimeout(context.Background(), 2*callTimeout)
	defer cancel()
	name := acked["durability-00001"].GetName()
	if _, err := c.client.GetIncident(ctx, &gridwatchv1.GetIncidentRequest{Name: name}); status.Code(err) != codes.Unavailable {
		t.Errorf("GetIncident(%s) with Redis down: %v, want UNAVAILABLE", name, err)
	}
	if !d.running() {
		t.Fatalf("gridwatchd exited while Redis was down: %v", d.err)
	}
}

// checkCodes fails unless some create saw UNAVAILABLE and none saw a code
// other than OK, UNAVAILABLE or DEADLINE_EXCEEDED.
func checkCodes(t *testing.T, seen map[codes.Code]int) {
	t.Helper()
	if seen[codes.Unavailable] == 0 {
		t.Errorf("no create saw UNAVAILABLE: %v", seen)
	}
	for code, n := range seen {
		if code != codes.OK && code != codes.Unavailable && code != codes.DeadlineExceeded {
			t.Errorf("%d creates ended %v, want only OK, UNAVAILABLE or DEADLINE_EXCEEDED", n, code)
		}
	}
}

// checkAcked checks every acknowledged incident: GetIncident returns it
// with its timeline as acknowledged at its head, and a retry of its
// request id returns it. It returns request id → incident id.
func checkAcked(t *testing.T, client gridwatchv1.DispatchServiceClient, acked map[string]*gridwatchv1.Incident) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for rid, want := range acked {
		ids[rid] = strings.TrimPrefix(want.GetName(), "incidents/")
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		got, err := client.GetIncident(ctx, &gridwatchv1.GetIncidentRequest{Name: want.GetName()})
		cancel()
		if err != nil {
			t.Errorf("acknowledged %s (request %s) lost: %v", want.GetName(), rid, err)
			continue
		}
		if got.GetRequestId() != rid || !timelineStartsWith(got.GetTimeline(), want.GetTimeline()) {
			t.Errorf("%s after the crash: request %q, timeline\n%v\nwant request %q, timeline starting\n%v",
				want.GetName(), got.GetRequestId(), got.GetTimeline(), rid, want.GetTimeline())
		}
		if again := create(t, client, rid); again.GetName() != want.GetName() {
			t.Errorf("retry of acknowledged request %s: %s, want %s", rid, again.GetName(), want.GetName())
		}
	}
	return ids
}

// timelineStartsWith reports whether tl begins with the events of head.
func timelineStartsWith(tl, head []*gridwatchv1.IncidentEvent) bool {
	return len(tl) >= len(head) && slices.EqualFunc(tl[:len(head)], head,
		func(a, b *gridwatchv1.IncidentEvent) bool { return proto.Equal(a, b) })
}

// retryFailed retries each request id no call acknowledged, twice: both
// retries must return the same incident, of that request id. It returns
// request id → incident id.
func retryFailed(t *testing.T, client gridwatchv1.DispatchServiceClient, failed []string) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, rid := range failed {
		first, second := create(t, client, rid), create(t, client, rid)
		if first.GetName() != second.GetName() || first.GetRequestId() != rid {
			t.Errorf("retries of request %s: %s then %s, with request id %q", rid, first.GetName(),
				second.GetName(), first.GetRequestId())
		}
		ids[rid] = strings.TrimPrefix(first.GetName(), "incidents/")
	}
	return ids
}

// create creates the incident of request id rid or fails t.
func create(t *testing.T, client gridwatchv1.DispatchServiceClient, rid string) *gridwatchv1.Incident {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	inc, err := client.CreateIncident(ctx, newIncident(rid))
	if err != nil {
		t.Fatalf("CreateIncident(%s) after recovery: %v", rid, err)
	}
	return inc
}

// checkOneIncidentPerRequest reads the dispatch keys of Redis (layout in
// store/redis/doc.go): the request index must map each request id the
// test used to its incident and hold nothing else, and there must be one
// incident record per request id, no more.
func checkOneIncidentPerRequest(t *testing.T, rdb *goredis.Client, want map[string]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := rdb.HGetAll(ctx, "gw:{dispatch}:requests").Result()
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("request index holds %d requests, want the %d the test made:\n%v\nwant\n%v", len(got), len(want), got, want)
	}
	var records int
	iter := rdb.Scan(ctx, 0, "gw:{dispatch}:inc:*", 1000).Iterator()
	for iter.Next(ctx) {
		records++
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if records != len(want) {
		t.Errorf("%d incident records for %d request ids, want one each", records, len(want))
	}
}

// creator creates incidents one after another, each with a request id of
// its own, and records what became of every call.
type creator struct {
	client gridwatchv1.DispatchServiceClient

	mu     sync.Mutex
	n      int                              // request ids used
	acked  map[string]*gridwatchv1.Incident // request id → the OK reply
	failed []string                         // request ids of calls that failed
	codes  map[codes.Code]int               // how many calls ended with each code
}

// start creates incidents on a goroutine until the returned function is
// called; that function waits for the call in flight and may be called
// more than once. In-flight calls are never cancelled: each ends with its
// own outcome.
func (c *creator) start() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			if !c.createNext() {
				select { // do not spin while Redis is down
				case <-done:
				case <-time.After(50 * time.Millisecond):
				}
			}
		}
	})
	var once sync.Once
	return func() { once.Do(func() { close(done) }); wg.Wait() }
}

// createNext creates the next incident and records the outcome; it reports
// whether the call was acknowledged.
func (c *creator) createNext() bool {
	c.mu.Lock()
	c.n++
	rid := fmt.Sprintf("durability-%05d", c.n)
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	inc, err := c.client.CreateIncident(ctx, newIncident(rid))
	cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.codes[status.Code(err)]++
	if err != nil {
		c.failed = append(c.failed, rid)
		return false
	}
	c.acked[rid] = inc
	return true
}

// ackedCount is how many creates were acknowledged so far.
func (c *creator) ackedCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.acked)
}

// results returns copies of the outcomes so far.
func (c *creator) results() (acked map[string]*gridwatchv1.Incident, failed []string, seen map[codes.Code]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.acked), slices.Clone(c.failed), maps.Clone(c.codes)
}

// offerCounter counts the offers streamed to some responders.
type offerCounter struct {
	n       atomic.Int64
	mu      sync.Mutex
	lastErr error // the first stream error other than the test's cancel
}

// drainOffers opens the offer streams of ids and counts their OFFERED
// events until ctx ends.
func drainOffers(ctx context.Context, t *testing.T, conn *grpc.ClientConn, ids ...string) *offerCounter {
	t.Helper()
	oc := &offerCounter{}
	for _, id := range ids {
		st := watchOffers(ctx, t, conn, id)
		go func() {
			for {
				m, err := st.Recv()
				if err != nil {
					oc.mu.Lock()
					if ctx.Err() == nil && oc.lastErr == nil {
						oc.lastErr = fmt.Errorf("%s: %w", id, err)
					}
					oc.mu.Unlock()
					return
				}
				if m.GetEvent().GetType() == gridwatchv1.IncidentEventType_INCIDENT_EVENT_TYPE_OFFERED {
					oc.n.Add(1)
				}
			}
		}()
	}
	return oc
}

func (oc *offerCounter) total() int64 { return oc.n.Load() }

func (oc *offerCounter) err() error {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	return oc.lastErr
}
