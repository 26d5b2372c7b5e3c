package limit

import (
	"hash/maphash"
	"sync"
)

// Counter counts what each key holds (open streams) and refuses more than
// a maximum. It holds a key only while its count is above zero. It is safe
// for concurrent use; the zero Counter is not: use NewCounter.
type Counter struct {
	seed   maphash.Seed
	shards [shardCount]counterShard
}

type counterShard struct {
	mu sync.Mutex
	m  map[string]int
}

// NewCounter returns a Counter holding nothing.
func NewCounter() *Counter {
	c := &Counter{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = make(map[string]int)
	}
	return c
}

// Acquire adds one to key's count unless it is already max or more; ok
// reports whether it did. held is the count before the call. A max of 0
// or less caps nothing.
func (c *Counter) Acquire(key string, max int) (ok bool, held int) {
	sh := &c.shards[shardOf(c.seed, key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	held = sh.m[key]
	if max > 0 && held >= max {
		return false, held
	}
	sh.m[key] = held + 1
	return true, held
}

// Release takes back one Acquire of key.
func (c *Counter) Release(key string) {
	sh := &c.shards[shardOf(c.seed, key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if n := sh.m[key]; n > 1 {
		sh.m[key] = n - 1
	} else {
		delete(sh.m, key)
	}
}

// Held returns key's count.
func (c *Counter) Held(key string) int {
	sh := &c.shards[shardOf(c.seed, key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.m[key]
}

// Len returns the number of keys holding anything.
func (c *Counter) Len() int {
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}
