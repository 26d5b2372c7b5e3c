package grid

import "github.com/uber/h3-go/v4"

// ShardResolution is the resolution of the coarse parent cell whose ID keys
// are sharded by (a Redis Cluster hash tag). A resolution-3 cell covers about
// 12,400 km², so a city's hot keys spread over a handful of shards while one
// point's lookups stay on one.
const ShardResolution = 3

// ShardCell returns c's ancestor at ShardResolution (c itself if coarser).
func ShardCell(c h3.Cell) h3.Cell {
	if c.Resolution() <= ShardResolution {
		return c
	}
	return parent(c, ShardResolution)
}

// parent computes an ancestor with bit operations (the H3 index layout),
// avoiding a cgo call on the lookup's hot path.
func parent(c h3.Cell, res int) h3.Cell {
	const resOffset = 52
	v := uint64(c)
	v = v&^(uint64(0xf)<<resOffset) | uint64(res)<<resOffset
	for r := res + 1; r <= 15; r++ {
		v |= uint64(7) << ((15 - r) * 3)
	}
	return h3.Cell(v)
}
