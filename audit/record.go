package audit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/gridwatch/gridwatch/auth"
)

// Sentinel errors. Errors of the package match one of them (errors.Is).
var (
	// ErrInvalid is a record or query that cannot be stored or run.
	ErrInvalid = errors.New("audit: invalid")
	// ErrUnrecorded is an audit record that could not be stored: the call
	// it records must fail rather than go unrecorded.
	ErrUnrecorded = errors.New("audit: record not stored")
)

// CellResolution is the H3 resolution of every cell in the trail (about
// 5 km² a cell): where something happened, never a precise position.
const CellResolution = 7

// Caps on what one record holds. Recorder.Record cuts longer values
// rather than failing the call they record.
const (
	// MaxObjects is the most object names one record lists; the rest are
	// counted in Omitted. A FindResponders answer (three circles of at
	// most 100 responders) fits.
	MaxObjects = 300
	// MaxObjectBytes caps one object name.
	MaxObjectBytes = 256
	// MaxFieldBytes caps the actor, token id, action and outcome.
	MaxFieldBytes = 256
)

// ID is a record's place in the trail, assigned by the store: the Unix
// milliseconds of the store's clock when the record was appended and a
// sequence number within that millisecond, as a Redis stream entry id
// "{ms}-{seq}". IDs only ever grow; the zero ID is none.
type ID struct {
	MS  uint64
	Seq uint64
}

// IDAt is the smallest ID of the millisecond of t.
func IDAt(t time.Time) ID {
	ms := t.UnixMilli()
	if ms < 0 {
		return ID{}
	}
	return ID{MS: uint64(ms)}
}

// IsZero reports whether id is the zero ID.
func (id ID) IsZero() bool { return id == ID{} }

// String returns "{ms}-{seq}", or "" for the zero ID.
func (id ID) String() string {
	if id.IsZero() {
		return ""
	}
	return strconv.FormatUint(id.MS, 10) + "-" + strconv.FormatUint(id.Seq, 10)
}

// Time returns the millisecond of id.
func (id ID) Time() time.Time { return time.UnixMilli(int64(id.MS)).UTC() }

// Compare returns -1, 0 or +1 as id is before, equal to or after o.
func (id ID) Compare(o ID) int {
	switch {
	case id.MS != o.MS:
		return cmp(id.MS, o.MS)
	default:
		return cmp(id.Seq, o.Seq)
	}
}

func cmp(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ParseID reads "{ms}-{seq}"; an error matches ErrInvalid.
func ParseID(s string) (ID, error) {
	ms, seq, ok := strings.Cut(s, "-")
	if ok {
		m, err1 := strconv.ParseUint(ms, 10, 64)
		q, err2 := strconv.ParseUint(seq, 10, 64)
		if err1 == nil && err2 == nil && (m != 0 || q != 0) {
			return ID{MS: m, Seq: q}, nil
		}
	}
	return ID{}, fmt.Errorf("%w: id %q is not {ms}-{seq}", ErrInvalid, s)
}

// Record is one entry of the trail.
type Record struct {
	// ID is assigned by the store when the record is appended.
	ID ID
	// At is when the store appended it: the millisecond of ID.
	At time.Time
	// Actor is the subject of the caller's principal (a responder id or a
	// user name); empty when authentication is off.
	Actor string
	// Role is the caller's role.
	Role auth.Role
	// TokenID identifies the credential presented; empty when
	// authentication is off.
	TokenID string
	// Action is what was done: the RPC, "<service>.<Method>" such as
	// "dispatch.CreateIncident".
	Action string
	// Objects are the resource names concerned, such as "incidents/abc";
	// for a read of positions, the responders whose positions it
	// disclosed. At most MaxObjects.
	Objects []string
	// Omitted counts the objects left out past MaxObjects.
	Omitted int
	// Cell is the resolution-7 cell of the position concerned (the query
	// point, the incident), or 0 if there is none.
	Cell h3.Cell
	// Outcome is empty on the record written before a mutation runs (the
	// attempt); on the record written after it, the gRPC status code of
	// the call, such as "OK" or "ABORTED".
	Outcome string
	// Ref is, on an outcome record, the ID of the attempt it completes.
	Ref ID
}

// Query selects records for List, newest first. The string filters match
// exactly; empty matches everything.
type Query struct {
	// Since and Until bound At, which is to the millisecond, to
	// [Since, Until); zero values leave the range open.
	Since, Until time.Time
	// Actor, Action and Object select records of that actor, of that
	// action, or listing that object.
	Actor, Action, Object string
	// After continues a listing: only records older than After. Zero
	// starts from the newest.
	After ID
	// Limit is the most records to return, 1 to MaxLimit.
	Limit int
}

// MaxLimit is the largest Query.Limit.
const MaxLimit = 1000

// Match reports whether r passes q's filters (not its range or After).
func (q Query) Match(r Record) bool {
	if q.Actor != "" && r.Actor != q.Actor || q.Action != "" && r.Action != q.Action {
		return false
	}
	if q.Object == "" {
		return true
	}
	for _, o := range r.Objects {
		if o == q.Object {
			return true
		}
	}
	return false
}

// Upper returns the exclusive upper bound of the IDs q may list: the
// smaller of After and Until, or the zero ID if neither is set.
func (q Query) Upper() ID {
	u := q.After
	if !q.Until.IsZero() {
		if t := idCeil(q.Until); u.IsZero() || t.Compare(u) < 0 {
			u = t
		}
	}
	return u
}

// idCeil is the smallest ID whose time is not before t.
func idCeil(t time.Time) ID {
	id := IDAt(t)
	if t.UnixNano() > int64(id.MS)*int64(time.Millisecond) {
		id.MS++
	}
	return id
}

// Lower returns the inclusive lower bound of the IDs q may list, the
// first of the first millisecond not before Since, or the zero ID.
func (q Query) Lower() ID {
	if q.Since.IsZero() {
		return ID{}
	}
	return idCeil(q.Since)
}

// Page is one page of a listing.
type Page struct {
	// Records, newest first.
	Records []Record
	// Next is the After of the next page; zero when the listing is done.
	// A page may be short, even empty, with a Next: an engine bounds the
	// records one call reads.
	Next ID
}
