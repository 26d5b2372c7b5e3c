package redis

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gridwatch/gridwatch/grid"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// changeOps is a GridChange as the writes that make it: the grid records and
// cell lists (hash tag {grids:<kind>}) and the owners of each shard.
type changeOps struct {
	gridsKey  string
	gridPairs []any // grid ID, JSON record, ...
	cellLists []cellList
	owners    []ownerOps // ordered by key
}

// cellList is one grid's packed cell list.
type cellList struct {
	key    string
	packed []byte
}

// ownerOps are the changes to one owners hash.
type ownerOps struct {
	key string
	set []any    // cellhex, grid ID, ...
	del []string // cellhex, ...
}

// ApplyGridChange applies ch in one transaction on a standalone server, and
// in one per hash tag on Cluster (see the package doc).
func (s *Store) ApplyGridChange(ctx context.Context, ch grid.GridChange) error {
	ops, err := s.changeOps(ch)
	if err == nil {
		err = s.runChange(ctx, ops)
	}
	if err != nil {
		return fail(err, "apply grid change")
	}
	return nil
}

// changeOps checks ch and computes its writes.
func (s *Store) changeOps(ch grid.GridChange) (changeOps, error) {
	if err := checkKind(ch.Kind); err != nil {
		return changeOps{}, err
	}
	ops := changeOps{gridsKey: s.k.grids(ch.Kind)}
	for _, gc := range ch.Grids {
		g := gc.Grid
		if g.Kind != ch.Kind || g.ID == "" {
			return changeOps{}, fmt.Errorf("grid %q of kind %v in a change of %v grids: %w",
				g.ID, g.Kind, ch.Kind, grid.ErrInvalid)
		}
		data, err := encode(newGridRecord(g))
		if err != nil {
			return changeOps{}, err
		}
		ops.gridPairs = append(ops.gridPairs, g.ID, data)
		ops.cellLists = append(ops.cellLists,
			cellList{key: s.k.cells(ch.Kind, g.ID), packed: packCells(gc.Cells)})
	}
	ops.owners = s.ownerOps(ch.Kind, ch.Owners)
	return ops, nil
}

// ownerOps groups cell ownership changes by owners key.
func (s *Store) ownerOps(kind grid.Kind, owners map[h3.Cell]string) []ownerOps {
	byShard := map[h3.Cell]*ownerOps{}
	for c, id := range owners {
		shard := grid.ShardCell(c)
		o := byShard[shard]
		if o == nil {
			o = &ownerOps{key: s.k.owners(shard, kind)}
			byShard[shard] = o
		}
		if id == "" {
			o.del = append(o.del, cellHex(c))
		} else {
			o.set = append(o.set, cellHex(c), id)
		}
	}
	out := make([]ownerOps, 0, len(byShard))
	for _, o := range byShard {
		out = append(out, *o)
	}
	slices.SortFunc(out, func(a, b ownerOps) int { return strings.Compare(a.key, b.key) })
	return out
}

// runChange writes ops in one transaction if the server allows, else in one
// per hash tag: the grids first, so that no owner names a grid not yet put.
func (s *Store) runChange(ctx context.Context, ops changeOps) error {
	if s.oneTx {
		return s.tx(ctx, func(p goredis.Pipeliner) {
			ops.queueGrids(ctx, p)
			for _, o := range ops.owners {
				o.queue(ctx, p)
			}
		})
	}
	if err := s.tx(ctx, func(p goredis.Pipeliner) { ops.queueGrids(ctx, p) }); err != nil {
		return err
	}
	for _, o := range ops.owners {
		if err := s.tx(ctx, func(p goredis.Pipeliner) { o.queue(ctx, p) }); err != nil {
			return fmt.Errorf("owners %s: %w", o.key, err)
		}
	}
	return nil
}

// tx runs the commands queue queues in one MULTI/EXEC, if there are any.
func (s *Store) tx(ctx context.Context, queue func(goredis.Pipeliner)) error {
	p := s.c.TxPipeline()
	queue(p)
	if p.Len() == 0 {
		return nil
	}
	_, err := p.Exec(ctx)
	return err
}

// queueGrids queues the writes of the grid records and cell lists.
func (ops changeOps) queueGrids(ctx context.Context, p goredis.Pipeliner) {
	if len(ops.gridPairs) > 0 {
		queueHSet(ctx, p, ops.gridsKey, ops.gridPairs)
	}
	for _, cl := range ops.cellLists {
		p.Set(ctx, cl.key, cl.packed, 0)
	}
}

// queue queues the writes of one owners hash.
func (o ownerOps) queue(ctx context.Context, p goredis.Pipeliner) {
	if len(o.set) > 0 {
		queueHSet(ctx, p, o.key, o.set)
	}
	if len(o.del) > 0 {
		queueHDel(ctx, p, o.key, o.del)
	}
}
