package redis

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gridwatch/gridwatch/grid"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// chunk is the most field/value pairs (or fields) sent in one command.
const chunk = 10_000

// Options configures a Store.
type Options struct {
	// Client is a *redis.Client, a *redis.ClusterClient or another
	// UniversalClient. The Store does not close it.
	Client goredis.UniversalClient
	// Prefix starts every key, such as "city1:"; it must not contain '{',
	// which would break the Cluster hash tags.
	Prefix string
}

// check panics on a nil client or a prefix with '{' (programming errors,
// named after the constructor who) and returns the key namer and whether
// the client is a standalone server, where one script or transaction may
// span every key.
func (o Options) check(who string) (k keys, standalone bool) {
	if o.Client == nil {
		panic("redis: " + who + ": nil Client")
	}
	if strings.Contains(o.Prefix, "{") {
		panic(fmt.Sprintf("redis: %s: prefix %q contains '{'", who, o.Prefix))
	}
	_, standalone = o.Client.(*goredis.Client)
	return keys{p: o.Prefix}, standalone
}

// Store is the Redis engine. It is safe for concurrent use.
type Store struct {
	c goredis.UniversalClient
	k keys
	// oneTx reports whether a transaction may span every key (a standalone
	// server), so that ApplyGridChange can be a single MULTI/EXEC.
	oneTx bool
}

var _ grid.Store = (*Store)(nil)

// New returns a Store on opts.Client. It panics if the client is nil or the
// prefix contains '{': both are programming errors.
func New(opts Options) *Store {
	k, standalone := opts.check("New")
	return &Store{c: opts.Client, k: k, oneTx: standalone}
}

// Ping reports whether the server answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.c.Ping(ctx).Err(); err != nil {
		return fail(err, "ping")
	}
	return nil
}

// keys builds the key names of the layout in the package doc.
type keys struct{ p string }

func (k keys) units() string     { return k.p + "gw:{units}" }
func (k keys) posts() string     { return k.p + "gw:{sites}:posts" }
func (k keys) compounds() string { return k.p + "gw:{sites}:compounds" }
func (k keys) roster() string    { return k.p + "gw:{roster}" }

// grids is the hash of a kind's grid records; kind must be valid.
func (k keys) grids(kind grid.Kind) string {
	return k.p + "gw:{grids:" + kind.String() + "}"
}

// cells is the packed cell list of one grid.
func (k keys) cells(kind grid.Kind, id string) string {
	return k.grids(kind) + ":cells:" + id
}

// owners is the cell → grid hash of a kind within one shard.
func (k keys) owners(shard h3.Cell, kind grid.Kind) string {
	return k.p + "gw:{" + cellHex(shard) + "}:owners:" + kind.String()
}

// cellHex is the hex spelling of a cell used in keys and hash fields.
func cellHex(c h3.Cell) string { return strconv.FormatUint(uint64(c), 16) }

// checkKind rejects the unspecified kind, which has no keys.
func checkKind(kind grid.Kind) error {
	if kind != grid.Police && kind != grid.Community {
		return fmt.Errorf("grid kind %d: %w", int(kind), grid.ErrInvalid)
	}
	return nil
}
