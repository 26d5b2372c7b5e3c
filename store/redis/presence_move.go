package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	goredis "github.com/redis/go-redis/v9"
)

// retentionArg is OwnGridRetention in seconds, for EXPIRE in a script.
var retentionArg = strconv.FormatInt(int64(OwnGridRetention.Seconds()), 10)

// Move implements presence.Store. Within one shard it is one script, atomic
// with the own-grid counters on a standalone server; on Cluster those are
// added after it, in a second round trip. A move into another shard is the
// protocol of the package doc.
func (p *Presence) Move(ctx context.Context, m presence.Move) (bool, error) {
	applied, err := p.move(ctx, m)
	if err != nil {
		return false, fail(err, "move %q", m.ResponderID)
	}
	return applied, nil
}

func (p *Presence) move(ctx context.Context, m presence.Move) (bool, error) {
	if !m.Cell.IsValid() {
		return false, fmt.Errorf("cell %x: %w", uint64(m.Cell), grid.ErrInvalid)
	}
	id, target := m.ResponderID, cellHex(grid.ShardCell(m.Cell))
	var applied, moved bool
	err := p.atHome(ctx, id, func(home string) error {
		res, err := p.runMove(ctx, home, target, m)
		if err != nil {
			return err
		}
		switch res.code {
		case "stale":
			applied = false
			return nil
		case "ok", "transit":
		default:
			return res.homeErr()
		}
		applied, moved = true, res.code == "transit"
		if err := p.accrue(ctx, id, m.Day, res.int(1), res.int(2)); err != nil || !moved {
			return err
		}
		return p.completeMove(ctx, id, home, target, res.str(3))
	})
	if err == nil && moved {
		p.homes.Store(id, target)
	}
	return applied, err
}

// runMove runs the move script at home. The own-grid counters are among
// its keys when they share the slot (a record without a fix, in the
// directory) or the server has no slots.
func (p *Presence) runMove(ctx context.Context, home, target string, m presence.Move) (scriptReply, error) {
	id := m.ResponderID
	keys := p.k.presHome(id, home)
	if m.TrackOwnGrid && (home == noFix || p.anySlot) {
		keys = append(keys, p.k.presDay(id, m.Day))
	}
	lat, lng := position(m.Position)
	return replyOf(presMove.Run(ctx, p.c, keys, presField(id, home), home, target,
		timeArg(m.SeenAt), timeArg(m.FixTime), lat, lng, floatArg(m.AccuracyM), cellHex(m.Cell),
		flagArg(m.Inside), flagArg(m.TrackOwnGrid), int64(m.AccrueCap), geoKeyCount(home), retentionArg))
}

// accrue adds to a day's own-grid counters what the move script could not.
func (p *Presence) accrue(ctx context.Context, id, day string, on, inside int64) error {
	if on <= 0 {
		return nil
	}
	key := p.k.presDay(id, day)
	_, err := p.c.TxPipelined(ctx, func(pl goredis.Pipeliner) error {
		pl.HIncrBy(ctx, key, "on", on)
		if inside > 0 {
			pl.HIncrBy(ctx, key, "in", inside)
		}
		pl.Expire(ctx, key, OwnGridRetention)
		return nil
	})
	return err
}

// finishMove completes a cross-shard move found under way at from.
func (p *Presence) finishMove(ctx context.Context, id, from, to string) error {
	rec, err := p.c.HGet(ctx, p.k.presHome(id, from)[0], presField(id, from)).Result()
	if errors.Is(err, goredis.Nil) {
		return nil // finished meanwhile
	}
	if err != nil {
		return err
	}
	if _, gone := tombVersion(rec); gone {
		return nil
	}
	f, err := splitRecord(rec)
	if err != nil || f[fTo] != to {
		return err
	}
	return p.completeMove(ctx, id, from, to, rec)
}

// completeMove runs steps 2 to 4 of a cross-shard move of rec, marked at
// from as moving to shard to: store it there, point the directory there,
// replace the copy at from by its tombstone. Each step is guarded by the
// record's version, so that running them again, or late, or for a move
// that a newer one overtook, changes nothing; each runs only after the one
// before returned.
func (p *Presence) completeMove(ctx context.Context, id, from, to, rec string) error {
	f, err := splitRecord(rec)
	if err != nil {
		return err
	}
	if err := presPut.Run(ctx, p.c, p.k.presShard(to), id, rec).Err(); err != nil {
		return err
	}
	if err := presSettle.Run(ctx, p.c, []string{p.k.presDir(id)}, to, f[fVer]).Err(); err != nil {
		return err
	}
	if from == noFix {
		return nil // settle deleted it
	}
	return presDrop.Run(ctx, p.c, []string{p.k.presRecs(from)}, id, to, f[fVer]).Err()
}
