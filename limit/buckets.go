package limit

import (
	"fmt"
	"hash/maphash"
	"math"
	"sync"
	"time"
)

// DefaultMaxKeys is the default of Options.MaxKeys.
const DefaultMaxKeys = 1 << 18

// Sweep intervals: how often a shard drops its full buckets is the time a
// bucket takes to refill, clamped to these.
const (
	minSweep = time.Second
	maxSweep = time.Minute
)

// Options tune Buckets.
type Options struct {
	// Clock returns the current time; nil is time.Now.
	Clock func() time.Time
	// MaxKeys caps the keys held (rounded up to a multiple of the shard
	// count); 0 is DefaultMaxKeys.
	MaxKeys int
}

// Buckets is a token bucket per key, all with the same Rate. It is safe
// for concurrent use.
type Buckets struct {
	rate     Rate
	perNano  float64 // tokens per nanosecond
	burst    float64
	clock    func() time.Time
	epoch    time.Time // times are nanoseconds since epoch
	sweep    int64     // sweep interval, ns
	perShard int
	seed     maphash.Seed
	shards   [shardCount]bucketShard
}

type bucketShard struct {
	mu        sync.Mutex
	m         map[string]*bucket
	lastSweep int64
}

// bucket is one key's tokens as of at (ns since the epoch).
type bucket struct {
	tokens float64
	at     int64
}

// NewBuckets returns empty buckets of rate r; an unlimited r allows
// everything and holds nothing. It fails if r is invalid.
func NewBuckets(r Rate, o Options) (*Buckets, error) {
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("limit: %w", err)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = DefaultMaxKeys
	}
	b := &Buckets{rate: r, clock: o.Clock, epoch: o.Clock(), seed: maphash.MakeSeed(),
		perShard: (o.MaxKeys + shardCount - 1) / shardCount}
	if r.Unlimited() {
		return b, nil
	}
	b.perNano, b.burst = r.PerSecond/float64(time.Second), float64(r.Burst)
	b.sweep = int64(min(max(r.refill(), minSweep), maxSweep))
	for i := range b.shards {
		b.shards[i].m = make(map[string]*bucket)
	}
	return b, nil
}

// Rate returns the rate of b.
func (b *Buckets) Rate() Rate { return b.rate }

// Allow takes a token from key's bucket. If there is none, ok is false
// and retry is how long until there is one.
func (b *Buckets) Allow(key string) (ok bool, retry time.Duration) {
	if b.rate.Unlimited() {
		return true, 0
	}
	now := int64(b.clock().Sub(b.epoch))
	sh := &b.shards[shardOf(b.seed, key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if now-sh.lastSweep >= b.sweep {
		b.sweepShard(sh, now)
	}
	e := sh.m[key]
	if e == nil {
		if len(sh.m) >= b.perShard {
			for k := range sh.m { // an arbitrary one: it restarts full
				delete(sh.m, k)
				break
			}
		}
		e = &bucket{tokens: b.burst, at: now}
		sh.m[key] = e
	} else if now > e.at {
		e.tokens = math.Min(b.burst, e.tokens+float64(now-e.at)*b.perNano)
		e.at = now
	}
	if e.tokens >= 1 {
		e.tokens--
		return true, 0
	}
	return false, time.Duration(math.Ceil((1 - e.tokens) / b.perNano))
}

// sweepShard drops the buckets of sh that are full again at now.
func (b *Buckets) sweepShard(sh *bucketShard, now int64) {
	sh.lastSweep = now
	for k, e := range sh.m {
		if e.tokens+float64(now-e.at)*b.perNano >= b.burst {
			delete(sh.m, k)
		}
	}
}

// Len returns the number of keys held.
func (b *Buckets) Len() int {
	n := 0
	for i := range b.shards {
		sh := &b.shards[i]
		sh.mu.Lock()
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}
