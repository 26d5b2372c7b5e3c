package memory

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/uber/h3-go/v4"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/auth"
)

// The encoding of an audit record in the memory trail. ID is kept in the
// index, not here, and At is the millisecond of ID. The fields follow in
// this order, those a query filters on first:
//
//	actor    str        Record.Actor
//	action   str        Record.Action
//	role     varint     Record.Role
//	token    str        Record.TokenID
//	outcome  str        Record.Outcome
//	omitted  varint     Record.Omitted
//	cell     uvarint    Record.Cell, as a uint64
//	ref      uvarint ×2 Record.Ref: MS, then Seq
//	count    uvarint    len(Record.Objects)
//	objects  count × (shared byte, str)
//
// A str is its length (uvarint) then its bytes; varints are zig-zag
// (binary.AppendVarint). Objects are front-coded: each is one byte, how
// many of its first bytes are those of the object before it (0 for the
// first, at most 255), then a str of the rest, so "responders/b00042"
// after "responders/b00017" costs 4 bytes, not 18. Decoding yields nil
// Objects for none.

// maxShared is the longest prefix an object name takes from the one
// before it: the byte that holds it, and a bound on how much larger a
// decoded record can be than its encoding (about 128 times).
const maxShared = 255

// errCodec is an encoding that cannot be read: a truncated or corrupt
// record. The trail only ever holds what appendRecord wrote.
var errCodec = errors.New("memory: corrupt audit record")

// appendRecord appends the encoding of r, less its ID and At, to b.
func appendRecord(b []byte, r audit.Record) []byte {
	b = appendString(b, r.Actor)
	b = appendString(b, r.Action)
	b = binary.AppendVarint(b, int64(r.Role))
	b = appendString(b, r.TokenID)
	b = appendString(b, r.Outcome)
	b = binary.AppendVarint(b, int64(r.Omitted))
	b = binary.AppendUvarint(b, uint64(r.Cell))
	b = binary.AppendUvarint(b, r.Ref.MS)
	b = binary.AppendUvarint(b, r.Ref.Seq)
	b = binary.AppendUvarint(b, uint64(len(r.Objects)))
	prev := ""
	for _, o := range r.Objects {
		n := 0
		for n < maxShared && n < len(o) && n < len(prev) && o[n] == prev[n] {
			n++
		}
		b = append(b, byte(n))
		b = appendString(b, o[n:])
		prev = o
	}
	return b
}

// appendString appends s as a str: its length, then its bytes.
func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// recordHead is an encoded record read up to its objects; its byte
// slices alias the encoding.
type recordHead struct {
	actor, action, tokenID, outcome []byte
	role, omitted                   int64
	cell                            uint64
	ref                             audit.ID
	// objects reads the encoded object names.
	objects objectReader
}

// readHead reads the fields of the encoding b before its objects.
func readHead(b []byte) (recordHead, error) {
	r := fieldReader{b: b}
	h := recordHead{actor: r.str(), action: r.str(), role: r.varint(), tokenID: r.str(), outcome: r.str(),
		omitted: r.varint(), cell: r.uvarint()}
	h.ref = audit.ID{MS: r.uvarint(), Seq: r.uvarint()}
	count := r.uvarint()
	if r.err != nil {
		return recordHead{}, r.err
	}
	if count > uint64(len(r.b)/2) { // each name takes 2 bytes or more
		return recordHead{}, fmt.Errorf("%w: %d objects in %d bytes", errCodec, count, len(r.b))
	}
	h.objects = objectReader{b: r.b, n: int(count)}
	return h, nil
}

// decodeRecord returns the record of ID id encoded in b. Its strings are
// its own (one allocation for all of them), never aliasing b.
func decodeRecord(id audit.ID, b []byte) (audit.Record, error) {
	h, err := readHead(b)
	if err != nil {
		return audit.Record{}, err
	}
	size, names := len(h.actor)+len(h.action)+len(h.tokenID)+len(h.outcome), h.objects
	for names.next() {
		size += names.len
	}
	if err := names.done(); err != nil {
		return audit.Record{}, err
	}
	var sb strings.Builder
	sb.Grow(size) // exactly: sb's bytes never move, so the views of its String() stay valid
	str := func(prefix string, p []byte) string {
		start := sb.Len()
		sb.WriteString(prefix)
		sb.Write(p)
		return sb.String()[start:]
	}
	r := audit.Record{ID: id, At: id.Time(), Actor: str("", h.actor), Role: auth.Role(h.role),
		TokenID: str("", h.tokenID), Action: str("", h.action), Omitted: int(h.omitted), Cell: h3.Cell(h.cell),
		Outcome: str("", h.outcome), Ref: h.ref}
	if h.objects.n > 0 {
		r.Objects = make([]string, 0, h.objects.n)
	}
	prev := ""
	for names = h.objects; names.next(); {
		prev = str(prev[:names.shared], names.suffix)
		r.Objects = append(r.Objects, prev)
	}
	return r, nil
}

// mayMatch reports whether the record h heads may pass q's filters,
// comparing the encoded fields Query.Match looks at, without decoding:
// exactly as Match does for a record appendRecord wrote, true if it
// cannot read the names (decoding reports it). It follows Match: the
// exact actor, the exact action, an object equal to q.Object.
func mayMatch(q audit.Query, h recordHead) bool {
	if q.Actor != "" && string(h.actor) != q.Actor || q.Action != "" && string(h.action) != q.Action {
		return false
	}
	if q.Object == "" {
		return true
	}
	// The names are compared as they are coded, each from the bytes m the
	// one before has in common with the object sought.
	names, m := h.objects, 0
	for names.next() {
		if names.shared > m { // it differs from q.Object where the one before did
			continue
		}
		rest, k := q.Object[names.shared:], 0
		for k < len(rest) && k < len(names.suffix) && rest[k] == names.suffix[k] {
			k++
		}
		if k == len(rest) && k == len(names.suffix) {
			return true
		}
		m = names.shared + k
	}
	return names.err != nil
}

// fieldReader reads the fields of an encoding in turn; after an error,
// every read returns zero and err stays the first error.
type fieldReader struct {
	b   []byte
	err error
}

// uvarint reads a uvarint.
func (r *fieldReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("a uvarint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// varint reads a zig-zag varint.
func (r *fieldReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("a varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// str reads a str: its length, then that many bytes.
func (r *fieldReader) str() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail("a string")
		return nil
	}
	s := r.b[:n:n]
	r.b = r.b[n:]
	return s
}

// fail records a failure to read what, unless one is recorded already.
func (r *fieldReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: cannot read %s at %d bytes from the end", errCodec, what, len(r.b))
	}
	r.b = nil
}

// objectReader reads front-coded object names one by one: each is the
// first shared bytes of the name before it, then suffix.
type objectReader struct {
	b      []byte // the encoded names left
	n      int    // how many are left
	shared int    // of the current name, the bytes of the one before
	suffix []byte // of the current name, the rest, aliasing b
	len    int    // of the current name, its length
	err    error
}

// next reads the next name; false when there is none or on an error (see
// done). A suffix of fewer than 128 bytes, whose length is one byte, is
// read without a call.
func (o *objectReader) next() bool {
	if o.n == 0 || o.err != nil {
		return false
	}
	if len(o.b) < 2 || int(o.b[0]) > o.len {
		return o.fail()
	}
	shared, n, w := int(o.b[0]), uint64(o.b[1]), 1
	if n >= 0x80 {
		if n, w = binary.Uvarint(o.b[1:]); w <= 0 {
			return o.fail()
		}
	}
	rest := o.b[1+w:]
	if n > uint64(len(rest)) {
		return o.fail()
	}
	o.shared, o.suffix, o.len = shared, rest[:n:n], shared+int(n)
	o.b, o.n = rest[n:], o.n-1
	return true
}

// fail records that the next name cannot be read, and returns false.
func (o *objectReader) fail() bool {
	o.err = fmt.Errorf("%w: with %d objects left, truncated or sharing more than the name before", errCodec, o.n)
	return false
}

// done returns the error that stopped next, or an error if the encoding
// does not end after the last name.
func (o *objectReader) done() error {
	switch {
	case o.err != nil:
		return o.err
	case o.n > 0 || len(o.b) > 0:
		return fmt.Errorf("%w: %d bytes after the objects", errCodec, len(o.b))
	}
	return nil
}
