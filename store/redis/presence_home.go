package redis

import (
	"context"
	"errors"
	"fmt"

	"github.com/gridwatch/gridwatch/presence"
	goredis "github.com/redis/go-redis/v9"
)

// maxHomeAttempts bounds how often one operation follows a record that
// keeps changing home under it.
const maxHomeAttempts = 8

// errHomeChanging: maxHomeAttempts were not enough.
var errHomeChanging = errors.New("presence record kept changing home")

// missingError: the record is not at the home an operation ran on, which
// may hold its tombstone of version floor (0 if none).
type missingError struct{ floor int64 }

func (e *missingError) Error() string { return "presence record not at its supposed home" }

// movingError: the record at home is being moved to shard to.
type movingError struct{ to string }

func (e *movingError) Error() string { return "presence record moving to shard " + e.to }

// scriptReply is a presence script's reply: a code and its values.
type scriptReply struct {
	code string
	vals []any
}

// replyOf reads a reply {code, ...}.
func replyOf(cmd *goredis.Cmd) (scriptReply, error) {
	vals, err := cmd.Slice()
	if err != nil {
		return scriptReply{}, err
	}
	if len(vals) == 0 {
		return scriptReply{}, errors.New("empty script reply")
	}
	code, _ := vals[0].(string)
	return scriptReply{code: code, vals: vals}, nil
}

// str returns value i as a string ("" if absent).
func (r scriptReply) str(i int) string {
	if i >= len(r.vals) {
		return ""
	}
	s, _ := r.vals[i].(string)
	return s
}

// int returns value i as an integer (0 if absent).
func (r scriptReply) int(i int) int64 {
	if i >= len(r.vals) {
		return 0
	}
	n, _ := r.vals[i].(int64)
	return n
}

// homeErr turns the codes of a record not found at home into errors.
func (r scriptReply) homeErr() error {
	switch r.code {
	case "missing":
		return &missingError{floor: r.int(1)}
	case "moving":
		return &movingError{to: r.str(1)}
	case "ok":
		return nil
	}
	return fmt.Errorf("script replied %q", r.code)
}

// atHome runs op on the home of responder id's record: first where the
// cache says, else where the directory says. When op reports the record
// missing it follows the directory, read after the miss (a cross-shard move
// points the directory at the new shard before it removes the old copy, so
// a directory still naming the home op missed at means the record is gone:
// ErrNotOnShift). When op meets a record being moved, it finishes that move
// and follows it. On success the home is cached.
func (p *Presence) atHome(ctx context.Context, id string, op func(home string) error) error {
	home, err := p.home(ctx, id)
	for range maxHomeAttempts {
		if err != nil {
			return err
		}
		err = op(home)
		var mv *movingError
		var miss *missingError
		switch {
		case err == nil:
			p.homes.Store(id, home)
			return nil
		case errors.As(err, &miss):
			home, err = p.followMiss(ctx, id, home, miss.floor)
		case errors.As(err, &mv):
			err = p.finishMove(ctx, id, home, mv.to)
			home = mv.to
		default:
			return err
		}
	}
	if err != nil {
		return err
	}
	return errHomeChanging
}

// home returns the cached home of id's record, or the directory's.
func (p *Presence) home(ctx context.Context, id string) (string, error) {
	if h, ok := p.homes.Load(id); ok {
		return h.(string), nil
	}
	return p.readDir(ctx, id)
}

// readDir returns the home the directory names; ErrNotOnShift without one.
func (p *Presence) readDir(ctx context.Context, id string) (string, error) {
	at, err := p.c.HGet(ctx, p.k.presDir(id), "at").Result()
	if errors.Is(err, goredis.Nil) {
		p.homes.Delete(id)
		return "", presence.ErrNotOnShift
	}
	return at, err
}

// followMiss returns where to look after the record was not at home:
// the directory's home if it names another, else ErrNotOnShift. A
// directory naming a shard without the record is left over from an end of
// shift cut short, and is closed (floor is the shard's tombstone version);
// unless the close finds the directory settled there at a newer version:
// the record moved back meanwhile, and the caller looks there again.
func (p *Presence) followMiss(ctx context.Context, id, missed string, floor int64) (string, error) {
	at, err := p.readDir(ctx, id)
	if err != nil || at != missed {
		return at, err
	}
	p.homes.Delete(id)
	if missed != noFix {
		closed, err := presClose.Run(ctx, p.c, []string{p.k.presDir(id)}, missed, floor, "missing").Int()
		if err != nil {
			return "", err
		}
		if closed == 0 {
			return p.readDir(ctx, id)
		}
	}
	return "", presence.ErrNotOnShift
}
