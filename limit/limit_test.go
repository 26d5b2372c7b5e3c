package limit

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in      string
		want    Rate
		wantStr string
		wantErr bool
	}{
		{"off", Rate{}, "off", false},
		{"0", Rate{}, "off", false},
		{"10/s,50", Rate{PerSecond: 10, Burst: 50}, "10/s,50", false},
		{"10/s", Rate{PerSecond: 10, Burst: 10}, "10/s,10", false},
		{"6/m", Rate{PerSecond: 0.1, Burst: 6}, "6/m,6", false},
		{" 6/m , 10 ", Rate{PerSecond: 0.1, Burst: 10}, "6/m,10", false},
		{"0.5/s", Rate{PerSecond: 0.5, Burst: 1}, "30/m,1", false},
		{"30/h,2", Rate{PerSecond: 30.0 / 3600, Burst: 2}, "30/h,2", false},
		{"10", Rate{}, "", true},
		{"-1/s", Rate{}, "", true},
		{"NaN/s", Rate{}, "", true},
		{"1/d", Rate{}, "", true},
		{"1/s,0", Rate{}, "", true},
		{"1/s,x", Rate{}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRate(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err: got %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if got.Burst != tt.want.Burst || abs(got.PerSecond-tt.want.PerSecond) > 1e-12 {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if s := got.String(); s != tt.wantStr {
				t.Errorf("String: got %q, want %q", s, tt.wantStr)
			}
		})
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestBucketsBurstThenRate(t *testing.T) {
	clock := newFakeClock()
	b, err := NewBuckets(Rate{PerSecond: 2, Burst: 3}, Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		advance   time.Duration
		key       string
		wantOK    bool
		wantRetry time.Duration
	}{
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", false, 500 * time.Millisecond}, // burst spent: one token per 500 ms
		{0, "b", true, 0},                       // another key is untouched
		{200 * time.Millisecond, "a", false, 300 * time.Millisecond},
		{300 * time.Millisecond, "a", true, 0},
		{0, "a", false, 500 * time.Millisecond},
		{10 * time.Second, "a", true, 0}, // refilled, but only to the burst
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", false, 500 * time.Millisecond},
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		ok, retry := b.Allow(s.key)
		if ok != s.wantOK || retry != s.wantRetry {
			t.Errorf("step %d (%s): got %v, %v; want %v, %v", i, s.key, ok, retry, s.wantOK, s.wantRetry)
		}
	}
}

func TestBucketsUnlimited(t *testing.T) {
	b, err := NewBuckets(Rate{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		if ok, _ := b.Allow("a"); !ok {
			t.Fatal("unlimited refused")
		}
	}
	if n := b.Len(); n != 0 {
		t.Errorf("Len: got %d, want 0", n)
	}
}

func TestBucketsInvalid(t *testing.T) {
	for _, r := range []Rate{{PerSecond: -1, Burst: 1}, {PerSecond: 1}, {Burst: -1}} {
		if _, err := NewBuckets(r, Options{}); err == nil {
			t.Errorf("%+v: got no error", r)
		}
	}
}

// TestBucketsExpire: the buckets of callers gone idle long enough to be
// full again are dropped, so many one-off callers do not grow the map.
func TestBucketsExpire(t *testing.T) {
	clock := newFakeClock()
	b, err := NewBuckets(Rate{PerSecond: 1, Burst: 5}, Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10_000 {
		b.Allow(fmt.Sprintf("caller-%d", i))
	}
	if n := b.Len(); n != 10_000 {
		t.Fatalf("Len after 10,000 callers: got %d", n)
	}
	clock.Advance(5 * time.Second) // every bucket full again; a sweep is due
	for i := range 1000 {
		b.Allow(fmt.Sprintf("late-%d", i))
	}
	if n := b.Len(); n > 1000 {
		t.Errorf("Len after expiry: got %d, want ≤ 1000", n)
	}
	// A bucket that is still refilling is kept: its caller stays limited.
	for range 5 {
		b.Allow("busy")
	}
	clock.Advance(5 * time.Second)
	b.Allow("other")
	if ok, _ := b.Allow("busy"); !ok {
		t.Error("busy refused after refilling")
	}
}

func TestBucketsMaxKeys(t *testing.T) {
	clock := newFakeClock()
	b, err := NewBuckets(Rate{PerSecond: 1, Burst: 1}, Options{Clock: clock.Now, MaxKeys: 640})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100_000 {
		b.Allow(fmt.Sprintf("caller-%d", i))
	}
	if n := b.Len(); n > 640 {
		t.Errorf("Len: got %d, want ≤ 640", n)
	}
}

// TestBucketsConcurrent hammers one key and others at once, under -race:
// every caller gets exactly its burst.
func TestBucketsConcurrent(t *testing.T) {
	clock := newFakeClock()
	b, err := NewBuckets(Rate{PerSecond: 1, Burst: 100}, Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	const keys, workers, tries = 8, 4, 200
	var mu sync.Mutex
	allowed := map[string]int{}
	var wg sync.WaitGroup
	for k := range keys {
		for range workers {
			wg.Go(func() {
				key := fmt.Sprintf("k%d", k)
				n := 0
				for range tries {
					if ok, _ := b.Allow(key); ok {
						n++
					}
				}
				mu.Lock()
				allowed[key] += n
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	for k, n := range allowed {
		if n != 100 {
			t.Errorf("%s: %d allowed, want 100", k, n)
		}
	}
}

func TestCounter(t *testing.T) {
	c := NewCounter()
	steps := []struct {
		op       string // acquire or release
		key      string
		max      int
		wantOK   bool
		wantHeld int
	}{
		{"acquire", "a", 2, true, 0},
		{"acquire", "a", 2, true, 1},
		{"acquire", "a", 2, false, 2},
		{"acquire", "b", 2, true, 0},
		{"release", "a", 0, false, 1},
		{"acquire", "a", 2, true, 1},
		{"acquire", "a", 0, true, 2}, // no cap
		{"release", "a", 0, false, 2},
		{"release", "a", 0, false, 1},
		{"release", "a", 0, false, 0},
		{"release", "b", 0, false, 0},
	}
	for i, s := range steps {
		if s.op == "release" {
			c.Release(s.key)
			if got := c.Held(s.key); got != s.wantHeld {
				t.Errorf("step %d: held %d after release, want %d", i, got, s.wantHeld)
			}
			continue
		}
		ok, held := c.Acquire(s.key, s.max)
		if ok != s.wantOK || held != s.wantHeld {
			t.Errorf("step %d: got %v, %d; want %v, %d", i, ok, held, s.wantOK, s.wantHeld)
		}
	}
	if n := c.Len(); n != 0 {
		t.Errorf("Len after releasing everything: got %d, want 0", n)
	}
}

func BenchmarkBucketsAllow(b *testing.B) {
	bk, err := NewBuckets(Rate{PerSecond: 1e9, Burst: 1e9}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			bk.Allow("caller")
		}
	})
}
