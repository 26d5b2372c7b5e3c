package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/auth"
	goredis "github.com/redis/go-redis/v9"
	"github.com/uber/h3-go/v4"
)

// auditVersion is the format version of a stream entry ("v").
const auditVersion = "1"

// Bounds of one List call: entries read per XREVRANGE when filtering, and
// the most entries one call reads before it returns a short page.
const (
	auditBatch     = 500
	auditScanLimit = 10_000
)

// Audit implements audit.Store on a Redis stream (see the package doc).
// It is safe for concurrent use.
type Audit struct {
	c   goredis.UniversalClient
	key string
	// scanLimit is the most entries one List reads; tests lower it.
	scanLimit int
}

var _ audit.Store = (*Audit)(nil)

// NewAudit returns the audit trail of opts. It panics if the client is nil
// or the prefix contains '{': both are programming errors.
func NewAudit(opts Options) *Audit {
	k, _ := opts.check("NewAudit")
	return &Audit{c: opts.Client, key: k.audit(), scanLimit: auditScanLimit}
}

// audit is the stream of the audit trail, in its own slot.
func (k keys) audit() string { return k.p + "gw:{audit}" }

// Append adds r with XADD: Redis assigns the ID from its clock.
func (a *Audit) Append(ctx context.Context, r audit.Record) (audit.Record, error) {
	vals, err := encodeAudit(r)
	if err != nil {
		return audit.Record{}, err
	}
	s, err := a.c.XAdd(ctx, &goredis.XAddArgs{Stream: a.key, ID: "*", Values: vals}).Result()
	if err != nil {
		return audit.Record{}, fail(err, "appending to the audit trail")
	}
	id, err := audit.ParseID(s)
	if err != nil {
		return audit.Record{}, fmt.Errorf("redis: XADD returned %q: %w", s, err)
	}
	r.ID, r.At = id, id.Time()
	return r, nil
}

// List reads back from the query's upper bound with XREVRANGE, filtering
// in Go, in batches, at most scanLimit entries a call.
func (a *Audit) List(ctx context.Context, q audit.Query) (audit.Page, error) {
	hi, lo := "+", "-"
	if u := q.Upper(); !u.IsZero() {
		hi = "(" + u.String()
	}
	if l := q.Lower(); !l.IsZero() {
		lo = l.String()
	}
	batch := auditBatch
	if q.Actor == "" && q.Action == "" && q.Object == "" {
		batch = q.Limit + 1 // one more tells whether there is a next page
	}
	var p audit.Page
	for scanned := 0; ; {
		msgs, err := a.c.XRevRangeN(ctx, a.key, hi, lo, int64(batch)).Result()
		if err != nil {
			return audit.Page{}, fail(err, "listing the audit trail")
		}
		for _, m := range msgs {
			r, err := decodeAudit(m)
			if err != nil {
				return audit.Page{}, err
			}
			if !q.Match(r) {
				continue
			}
			if len(p.Records) == q.Limit {
				p.Next = p.Records[len(p.Records)-1].ID
				return p, nil
			}
			p.Records = append(p.Records, r)
		}
		scanned += len(msgs)
		if len(msgs) < batch {
			return p, nil
		}
		last := msgs[len(msgs)-1].ID
		if scanned >= a.scanLimit {
			p.Next, _ = audit.ParseID(last)
			return p, nil
		}
		hi = "(" + last
	}
}

// Trim removes the entries before the millisecond of before with XTRIM
// MINID (exact).
func (a *Audit) Trim(ctx context.Context, before time.Time) (int64, error) {
	min := audit.IDAt(before)
	if min.IsZero() {
		return 0, nil
	}
	n, err := a.c.XTrimMinID(ctx, a.key, min.String()).Result()
	if err != nil {
		return 0, fail(err, "trimming the audit trail")
	}
	return n, nil
}

// encodeAudit returns the fields of a stream entry: "v" first, then the
// fields that are set. Objects are a JSON array of strings.
func encodeAudit(r audit.Record) ([]string, error) {
	vals := []string{"v", auditVersion, "act", r.Action, "role", r.Role.String()}
	add := func(k, v string) {
		if v != "" {
			vals = append(vals, k, v)
		}
	}
	add("actor", r.Actor)
	add("tok", r.TokenID)
	if len(r.Objects) > 0 {
		b, err := json.Marshal(r.Objects)
		if err != nil {
			return nil, fmt.Errorf("redis: encoding audit objects: %w", err)
		}
		add("obj", string(b))
	}
	if r.Omitted > 0 {
		add("omit", strconv.Itoa(r.Omitted))
	}
	if r.Cell != 0 {
		add("cell", r.Cell.String())
	}
	add("out", r.Outcome)
	add("ref", r.Ref.String())
	return vals, nil
}

// decodeAudit reads a stream entry written by encodeAudit.
func decodeAudit(m goredis.XMessage) (audit.Record, error) {
	bad := func(what string, err error) (audit.Record, error) {
		return audit.Record{}, fmt.Errorf("redis: audit entry %s: %s: %w", m.ID, what, err)
	}
	id, err := audit.ParseID(m.ID)
	if err != nil {
		return bad("id", err)
	}
	get := func(k string) string { s, _ := m.Values[k].(string); return s }
	if v := get("v"); v != auditVersion {
		return bad("version", fmt.Errorf("%q, want %s", v, auditVersion))
	}
	r := audit.Record{ID: id, At: id.Time(), Actor: get("actor"), TokenID: get("tok"), Action: get("act"),
		Outcome: get("out")}
	role, ok := auth.ParseRole(get("role"))
	if !ok {
		return bad("role", fmt.Errorf("unknown role %q", get("role")))
	}
	r.Role = role
	if s := get("obj"); s != "" {
		if err := json.Unmarshal([]byte(s), &r.Objects); err != nil {
			return bad("objects", err)
		}
	}
	if s := get("omit"); s != "" {
		if r.Omitted, err = strconv.Atoi(s); err != nil {
			return bad("omitted", err)
		}
	}
	if s := get("cell"); s != "" {
		if r.Cell = h3.CellFromString(s); !r.Cell.IsValid() {
			return bad("cell", fmt.Errorf("invalid cell %q", s))
		}
	}
	if s := get("ref"); s != "" {
		if r.Ref, err = audit.ParseID(s); err != nil {
			return bad("ref", err)
		}
	}
	return r, nil
}
