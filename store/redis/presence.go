package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	goredis "github.com/redis/go-redis/v9"
)

// OwnGridRetention is how long a day's own-grid counters are kept after
// their last update: the 31 days the memory engine keeps, and a day for
// time zones.
const OwnGridRetention = 32 * 24 * time.Hour

// Presence is the Redis engine of package presence (the layout and the
// atomicity of each operation are in the package doc). It is safe for
// concurrent use, and keeps no state that a restart of Redis invalidates:
// its one cache, of where each responder's record lives, is a hint that
// every script verifies.
type Presence struct {
	c goredis.UniversalClient
	k keys
	// anySlot reports a standalone server, where one script may touch keys
	// of different slots: Move then adds to the own-grid counters in the
	// same script.
	anySlot bool
	homes   sync.Map // responder ID → home (noFix or shard hex)
	covers  coverCache
}

var _ presence.Store = (*Presence)(nil)

// NewPresence returns the presence engine on opts.Client. It panics if the
// client is nil or the prefix contains '{', like New.
func NewPresence(opts Options) *Presence {
	k, standalone := opts.check("NewPresence")
	return &Presence{c: opts.Client, k: k, anySlot: standalone}
}

// StartShift implements presence.Store: the record is stored in the
// responder's directory until the first fix.
func (p *Presence) StartShift(ctx context.Context, r presence.Record) (presence.Record, error) {
	got, err := p.startShift(ctx, r)
	if err != nil {
		return presence.Record{}, fail(err, "start shift of %q", r.ID)
	}
	return got, nil
}

// startShift creates the shift, or returns the stored record. Reading that
// record goes through atHome, which also closes a shift whose end was cut
// short; the shift is then created on the next attempt.
func (p *Presence) startShift(ctx context.Context, r presence.Record) (presence.Record, error) {
	rec, err := encodeRecord(r)
	if err != nil {
		return presence.Record{}, err
	}
	for range maxHomeAttempts {
		res, err := replyOf(presStart.Run(ctx, p.c, []string{p.k.presDir(r.ID)}, rec))
		if err != nil {
			return presence.Record{}, err
		}
		if res.code == "created" {
			p.homes.Store(r.ID, noFix)
			return r, nil
		}
		stored, err := p.get(ctx, r.ID)
		if !errors.Is(err, presence.ErrNotOnShift) {
			return stored, err
		}
	}
	return presence.Record{}, errHomeChanging
}

// Get implements presence.Store.
func (p *Presence) Get(ctx context.Context, id string) (presence.Record, error) {
	r, err := p.get(ctx, id)
	if err != nil {
		return presence.Record{}, fail(err, "get responder %q", id)
	}
	return r, nil
}

func (p *Presence) get(ctx context.Context, id string) (presence.Record, error) {
	var r presence.Record
	err := p.atHome(ctx, id, func(home string) error {
		rec, err := p.c.HGet(ctx, p.k.presHome(id, home)[0], presField(id, home)).Result()
		if errors.Is(err, goredis.Nil) {
			return &missingError{}
		}
		if err != nil {
			return err
		}
		if floor, gone := tombVersion(rec); gone {
			return &missingError{floor: floor}
		}
		r, err = decodeRecord(id, rec)
		return err
	})
	return r, err
}

// SetStatus implements presence.Store.
func (p *Presence) SetStatus(ctx context.Context, id string, s presence.Status) error {
	err := p.setStatus(ctx, id, s)
	if err != nil {
		return fail(err, "set status of %q", id)
	}
	return nil
}

func (p *Presence) setStatus(ctx context.Context, id string, s presence.Status) error {
	if s != presence.Available && s != presence.Busy {
		return fmt.Errorf("status %v (want available or busy): %w", s, grid.ErrInvalid)
	}
	name, err := presStatuses.name(s)
	if err != nil {
		return err
	}
	return p.atHome(ctx, id, func(home string) error {
		res, err := replyOf(presStatus.Run(ctx, p.c, p.k.presHome(id, home),
			presField(id, home), name, geoKeyCount(home)))
		if err != nil {
			return err
		}
		return res.homeErr()
	})
}

// EndShift implements presence.Store. In a shard the record goes first
// (leaving its tombstone), then the shift is taken off the directory: an
// end cut short between the two leaves a directory naming a shard without
// the record, which reads as off shift, and which the next StartShift, or
// the next operation that meets it, closes.
func (p *Presence) EndShift(ctx context.Context, id string) (presence.Record, error) {
	var r presence.Record
	err := p.atHome(ctx, id, func(home string) error {
		res, err := replyOf(presEnd.Run(ctx, p.c, p.k.presHome(id, home),
			presField(id, home), geoKeyCount(home)))
		if err == nil {
			err = res.homeErr()
		}
		if err != nil {
			return err
		}
		rec := res.str(1)
		if r, err = decodeRecord(id, rec); err != nil {
			return err
		}
		if home == noFix {
			return nil
		}
		f, err := splitRecord(rec)
		if err != nil {
			return err
		}
		return presClose.Run(ctx, p.c, []string{p.k.presDir(id)}, home, f[fVer], "ended").Err()
	})
	p.homes.Delete(id)
	if err != nil {
		return presence.Record{}, fail(err, "end shift of %q", id)
	}
	return r, nil
}

// OwnGridDay implements presence.Store. The counters are kept in
// nanoseconds, exactly, and read as seconds.
func (p *Presence) OwnGridDay(ctx context.Context, id, day string) (presence.OwnGridDay, error) {
	vals, err := p.c.HMGet(ctx, p.k.presDay(id, day), "on", "in").Result()
	if err != nil {
		return presence.OwnGridDay{}, fail(err, "own grid time of %q on %s", id, day)
	}
	d := presence.OwnGridDay{ResponderID: id, Day: day}
	counters := [2]*float64{&d.OnShiftS, &d.InsideS}
	for i, v := range vals {
		s, _ := v.(string)
		if s == "" {
			continue
		}
		ns, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return presence.OwnGridDay{}, fail(err, "own grid time of %q on %s", id, day)
		}
		*counters[i] = float64(ns) / 1e9
	}
	return d, nil
}
