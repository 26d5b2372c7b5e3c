package redis

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/uber/h3-go/v4"
)

// cellBounds are worst cases of H3 cells the world over at one resolution,
// measured over the cells around every pentagon and a uniform sample of
// the rest (H3 v4), with margins of 10 % (25 % for reach): the least
// distance between neighbours' centres, the farthest point of a cell from
// its centre, and the farthest point of its IndexResolution descendants,
// which spill beyond its boundary.
type cellBounds struct{ spacing, radius, reach float64 }

var boundsByRes = [...]cellBounds{
	3: {77_700, 83_400, 98_500},
	4: {28_300, 31_500, 37_200},
	5: {11_000, 11_900, 14_000},
	6: {4_030, 4_500, 5_280},
	7: {1_570, 1_700, 1_940},
	8: {576, 644, 644},
}

// maxCoverK is the largest grid disk a cover takes before it moves to a
// coarser resolution.
const maxCoverK = 10

// maxCovers bounds the cache of covers; it is emptied when full.
const maxCovers = 1 << 16

// coverCache remembers which shards the disks around cells touch.
type coverCache struct {
	m sync.Map // coverKey → []string
	n atomic.Int64
}

type coverKey struct {
	cell h3.Cell
	k    int
}

// shards returns, as hex in ascending order, the shards of every
// IndexResolution cell that holds a point within radius metres of center
// (and maybe a few more). The responder at a point is kept in the shard of
// that point's cell, so these are the shards a search must read.
//
// At the finest resolution r (from IndexResolution down to ShardResolution)
// where it is small, it takes the grid disk around center's cell whose
// cells include every res-r ancestor of such a cell: an ancestor's centre
// is within radius + reach + the cell's radius of center's cell's centre,
// and a cell k steps away is at least k·spacing·√3/2 from it.
func (cc *coverCache) shards(center geo.LatLng, radius float64) ([]string, error) {
	res, k := coverResolution(radius)
	cell, err := h3.LatLngToCell(h3.LatLng{Lat: center.Lat, Lng: center.Lng}, res)
	if err != nil {
		return nil, fmt.Errorf("center %v: %w: %w", center, grid.ErrInvalid, err)
	}
	key := coverKey{cell: cell, k: k}
	if v, ok := cc.m.Load(key); ok {
		return v.([]string), nil
	}
	disk, err := h3.GridDisk(cell, k)
	if err != nil {
		return nil, fmt.Errorf("grid disk of %v: %w", cell, err)
	}
	var set []h3.Cell
	for _, c := range disk {
		if c != 0 {
			set = append(set, grid.ShardCell(c))
		}
	}
	slices.Sort(set)
	set = slices.Compact(set)
	out := make([]string, len(set))
	for i, c := range set {
		out[i] = cellHex(c)
	}
	if cc.n.Add(1) > maxCovers {
		cc.m.Clear()
		cc.n.Store(0)
	}
	cc.m.Store(key, out)
	return out, nil
}

// coverResolution returns the resolution and disk size of a cover.
func coverResolution(radius float64) (res, k int) {
	for res = presence.IndexResolution; ; res-- {
		b := boundsByRes[res]
		k = int(math.Ceil((radius + b.reach + b.radius) / (b.spacing * math.Sqrt(3) / 2)))
		if k <= maxCoverK || res == grid.ShardResolution {
			return res, k
		}
	}
}
