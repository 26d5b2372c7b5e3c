package limit

import "hash/maphash"

// shardCount is the number of shards of Buckets and Counter (a power of
// two).
const shardCount = 64

// shardOf picks the shard of key.
func shardOf(seed maphash.Seed, key string) int {
	return int(maphash.String(seed, key) & (shardCount - 1))
}
