package redis

import (
	"context"

	"github.com/gridwatch/gridwatch/grid"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// CellOwners returns the owning grid ID of each cell ("" for none), in the
// order of cells, with one pipelined HMGET per shard.
func (s *Store) CellOwners(ctx context.Context, kind grid.Kind, cells []h3.Cell) ([]string, error) {
	if err := checkKind(kind); err != nil {
		return nil, fail(err, "cell owners")
	}
	out := make([]string, len(cells))
	if len(cells) == 0 {
		return out, nil
	}
	type read struct {
		cmd *goredis.SliceCmd
		idx []int // positions in cells of cmd's fields
	}
	var reads []read
	_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for shard, idx := range groupByShard(cells) {
			key := s.k.owners(shard, kind)
			for i := 0; i < len(idx); i += chunk {
				part := idx[i:min(i+chunk, len(idx))]
				reads = append(reads, read{cmd: p.HMGet(ctx, key, fields(cells, part)...), idx: part})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fail(err, "cell owners %v", kind)
	}
	for _, r := range reads {
		for j, v := range r.cmd.Val() {
			out[r.idx[j]], _ = v.(string)
		}
	}
	return out, nil
}

// groupByShard maps each ShardCell to the positions of its cells.
func groupByShard(cells []h3.Cell) map[h3.Cell][]int {
	m := map[h3.Cell][]int{}
	for i, c := range cells {
		shard := grid.ShardCell(c)
		m[shard] = append(m[shard], i)
	}
	return m
}

// fields returns the hash fields of the cells at positions idx.
func fields(cells []h3.Cell, idx []int) []string {
	out := make([]string, len(idx))
	for j, i := range idx {
		out[j] = cellHex(cells[i])
	}
	return out
}

// LocateCells returns, for each kind, the owner of the first of cells that
// has one. Cells sharing one ShardCell, as the contract has them, take one
// round trip: two HMGETs on keys of one slot, pipelined.
func (s *Store) LocateCells(ctx context.Context, cells []h3.Cell) (police, community string, err error) {
	if len(cells) == 0 {
		return "", "", nil
	}
	shard := grid.ShardCell(cells[0])
	for _, c := range cells[1:] {
		if grid.ShardCell(c) != shard {
			return s.locateAcrossShards(ctx, cells)
		}
	}
	fs := make([]string, len(cells))
	for i, c := range cells {
		fs[i] = cellHex(c)
	}
	var pc, cc *goredis.SliceCmd
	_, err = s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		pc = p.HMGet(ctx, s.k.owners(shard, grid.Police), fs...)
		cc = p.HMGet(ctx, s.k.owners(shard, grid.Community), fs...)
		return nil
	})
	if err != nil {
		return "", "", fail(err, "locate cells")
	}
	return firstOwner(pc.Val()), firstOwner(cc.Val()), nil
}

// locateAcrossShards serves cells that span shards, outside the contract.
func (s *Store) locateAcrossShards(ctx context.Context, cells []h3.Cell) (string, string, error) {
	var found [2]string
	for i, kind := range [2]grid.Kind{grid.Police, grid.Community} {
		owners, err := s.CellOwners(ctx, kind, cells)
		if err != nil {
			return "", "", fail(err, "locate cells")
		}
		for _, o := range owners {
			if o != "" {
				found[i] = o
				break
			}
		}
	}
	return found[0], found[1], nil
}

// firstOwner returns the first non-empty value of an HMGET reply.
func firstOwner(vals []any) string {
	for _, v := range vals {
		if s, _ := v.(string); s != "" {
			return s
		}
	}
	return ""
}
