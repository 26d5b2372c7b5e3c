package memory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/gridwatch/gridwatch/audit"
	"github.com/gridwatch/gridwatch/auth"
)

// codecID is the ID records are decoded with in the codec tests.
var codecID = audit.ID{MS: 1_767_225_600_123, Seq: 7}

// names returns n object names "{prefix}{i}".
func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%05d", prefix, i)
	}
	return out
}

// sameRecord compares records as the conformance suite does: nil Objects
// and empty ones alike.
func sameRecord(a, b audit.Record) bool {
	if len(a.Objects) == 0 && len(b.Objects) == 0 {
		a.Objects, b.Objects = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

// roundTrip encodes r, decodes it as codecID and reports a difference.
func roundTrip(t *testing.T, r audit.Record) {
	t.Helper()
	enc := appendRecord(nil, r)
	got, err := decodeRecord(codecID, enc)
	if err != nil {
		t.Fatalf("decoding %+v: %v", r, err)
	}
	r.ID, r.At = codecID, codecID.Time()
	if !sameRecord(got, r) {
		t.Fatalf("round trip of %d bytes:\n got %+v\nwant %+v", len(enc), got, r)
	}
}

// codecRecords are the records of the codec tests: every field set,
// empty fields, many objects, non-ASCII, long strings.
func codecRecords() []struct {
	name string
	r    audit.Record
} {
	long := strings.Repeat("长", 40_000) // 120,000 bytes
	shared := strings.Repeat("p", 300)  // longer than a name may share
	tests := []struct {
		name string
		r    audit.Record
	}{
		{"Empty", audit.Record{}},
		{"EveryField", audit.Record{Actor: "d1", Role: auth.RoleDispatcher, TokenID: "t2",
			Action: "presence.FindResponders", Objects: []string{"responders/r1", "responders/r2"}, Omitted: 3,
			Cell: h3.Cell(0x871f05a34ffffff), Outcome: "OK", Ref: audit.ID{MS: 1_767_225_600_000, Seq: 1 << 40}}},
		{"EmptyObjects", audit.Record{Action: "x.Y", Objects: []string{}}},
		{"EmptyNames", audit.Record{Action: "x.Y", Objects: []string{"", "a", "", "", "ab", "a"}}},
		{"ManyObjects", audit.Record{Action: "x.Y", Objects: names("responders/b", 1000), Omitted: 12}},
		{"NonASCII", audit.Record{Actor: "张伟", Role: auth.RoleOfficer, Action: "dispatch.TransitionIncident",
			Objects: []string{"incidents/事件 1", "incidents/事件 2", "incidents/événement"}, Outcome: "FAILED_PRECONDITION"}},
		{"InvalidUTF8", audit.Record{Actor: "\xff\xfe", Action: "\x00", Objects: []string{"\xc3", "\xc3\xa9"}}},
		{"Long", audit.Record{Actor: long, TokenID: long, Action: long, Outcome: long, Objects: []string{long, long + "x"}}},
		{"LongShared", audit.Record{Action: "x.Y", Objects: []string{shared + "a", shared + "b", shared, shared[:10]}}},
		{"Extremes", audit.Record{Role: auth.Role(-1), Omitted: math.MinInt, Cell: h3.Cell(math.MinInt64),
			Ref: audit.ID{MS: math.MaxUint64, Seq: math.MaxUint64}}},
	}
	return tests
}

func TestAuditCodecRoundTrip(t *testing.T) {
	for _, tt := range codecRecords() {
		t.Run(tt.name, func(t *testing.T) { roundTrip(t, tt.r) })
	}
}

// TestAuditMayMatch: on what appendRecord writes, mayMatch is Match.
func TestAuditMayMatch(t *testing.T) {
	for _, tt := range codecRecords() {
		h, err := readHead(appendRecord(nil, tt.r))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range fuzzQueries(tt.r, "responders/b00001", "a") {
			if got, want := mayMatch(q, h), q.Match(tt.r); got != want {
				t.Errorf("%s: mayMatch(%+.60v) = %v, Match %v", tt.name, q, got, want)
			}
		}
	}
}

// TestAuditCodecFrontCoding: a dispatcher's names cost a few bytes each.
func TestAuditCodecFrontCoding(t *testing.T) {
	r := audit.Record{Objects: names("responders/b", 21)}
	if n := len(appendRecord(nil, r)); n > 21*8 {
		t.Errorf("21 names encode in %d bytes, want at most %d", n, 21*8)
	}
}

// TestAuditCodecDecodeOwnsStrings: a decoded record does not change when
// the encoding does.
func TestAuditCodecDecodeOwnsStrings(t *testing.T) {
	in := audit.Record{Actor: "alice", Action: "x.Y", Objects: []string{"incidents/a", "incidents/b"}}
	enc := appendRecord(nil, in)
	got, err := decodeRecord(codecID, enc)
	if err != nil {
		t.Fatal(err)
	}
	clear(enc)
	if got.Actor != "alice" || got.Objects[1] != "incidents/b" {
		t.Errorf("after the encoding was cleared: %+v", got)
	}
}

func TestAuditCodecCorrupt(t *testing.T) {
	enc := appendRecord(nil, audit.Record{Actor: "a", Action: "x.Y", Objects: []string{"ab", "ac"}})
	for _, b := range [][]byte{
		nil,
		enc[:len(enc)-1],
		append(enc[:len(enc):len(enc)], 0),
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80},    // a count with no end
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0}, // 3 objects in 2 bytes
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0}, // sharing with no name before
	} {
		if _, err := decodeRecord(codecID, b); !errors.Is(err, errCodec) {
			t.Errorf("decoding %x: %v, want errCodec", b, err)
		}
	}
}

// FuzzAuditCodec: decoding arbitrary bytes never panics, and what decodes
// encodes and decodes the same; a record of fuzzed fields round-trips,
// and mayMatch passes every query it matches.
func FuzzAuditCodec(f *testing.F) {
	f.Add([]byte{}, "d1", "presence.FindResponders", "t2", "OK", 3, 2, int64(0x871f05a34ffffff), uint64(5), uint64(1),
		"responders/b00042\nresponders/b00017\nresponders/c1")
	f.Add(appendRecord(nil, audit.Record{Actor: "张伟", Objects: []string{"ab", "ac"}}), "", "", "", "", 0, -1, int64(0),
		uint64(0), uint64(0), "")
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 'a', 1, 0}, "\xff", "x", "", "", -5, math.MaxInt,
		int64(-1), uint64(math.MaxUint64), uint64(0), "\n\n")
	f.Fuzz(func(t *testing.T, data []byte, actor, action, token, outcome string, role, omitted int, cell int64,
		refMS, refSeq uint64, objects string) {
		if got, err := decodeRecord(codecID, data); err == nil {
			roundTrip(t, got)
		}
		r := audit.Record{Actor: actor, Role: auth.Role(role), TokenID: token, Action: action, Omitted: omitted,
			Cell: h3.Cell(cell), Outcome: outcome, Ref: audit.ID{MS: refMS, Seq: refSeq}}
		if objects != "" {
			r.Objects = strings.Split(objects, "\n")
		}
		roundTrip(t, r)
		h, err := readHead(appendRecord(nil, r))
		if err != nil {
			t.Fatal(err)
		}
		r.ID = codecID
		for _, q := range fuzzQueries(r, token, outcome) {
			if got, want := mayMatch(q, h), q.Match(r); got != want {
				t.Errorf("mayMatch(%+v) = %v for %+v, Match %v", q, got, r, want)
			}
		}
	})
}

// fuzzQueries returns queries that filter on r's own fields, on a and b
// in their place, and on names that are near r's objects.
func fuzzQueries(r audit.Record, a, b string) []audit.Query {
	qs := []audit.Query{{}, {Actor: r.Actor, Action: r.Action}, {Actor: a}, {Action: b}, {Object: a}, {Object: b}}
	for _, o := range r.Objects {
		qs = append(qs, audit.Query{Actor: r.Actor, Object: o}, audit.Query{Object: o + a},
			audit.Query{Object: o[:len(o)/2]}, audit.Query{Object: o[len(o)/2:]})
	}
	return qs
}

// TestAuditTrimReleases: Trim releases the chunks and index pages that
// held only trimmed records, all of them when it trims everything, and
// the trail goes on after.
func TestAuditTrimReleases(t *testing.T) {
	clock := time.UnixMilli(1_767_225_600_000)
	a := &Audit{now: func() time.Time { return clock }}
	ctx := context.Background()
	r := audit.Record{Actor: "d1", Action: "presence.FindResponders", Objects: names("responders/b", 300)}
	per := auditChunkSize / len(appendRecord(nil, r)) // records a chunk holds
	appendN := func(n int) {
		for range n {
			if _, err := a.Append(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	const old = 3 * auditPageSize
	appendN(old)
	clock = clock.Add(time.Second)
	appendN(per)
	chunks, pages := len(a.chunks), len(a.pages)
	if n, err := a.Trim(ctx, clock); err != nil || n != old {
		t.Fatalf("Trim: %d, %v; want %d", n, err, old)
	}
	if chunks < old/per || len(a.chunks) > 2 {
		t.Errorf("Trim left %d of %d chunks, want 1 or 2 (%d records a chunk)", len(a.chunks), chunks, per)
	}
	if len(a.pages) != pages-3 {
		t.Errorf("Trim left %d of %d index pages, want %d", len(a.pages), pages, pages-3)
	}
	clock = clock.Add(time.Second)
	if n, err := a.Trim(ctx, clock); err != nil || n != int64(per) || len(a.chunks) != 0 {
		t.Fatalf("Trim of all: %d, %v, %d chunks left; want %d, none", n, err, len(a.chunks), per)
	}
	appendN(1)
	p, err := a.List(ctx, audit.Query{Limit: 10})
	if err != nil || len(p.Records) != 1 || !sameRecord(p.Records[0], withID(r, p.Records[0].ID)) {
		t.Fatalf("List after trimming all and one Append: %+v, %v", p, err)
	}
}

// withID returns r as stored with id.
func withID(r audit.Record, id audit.ID) audit.Record {
	r.ID, r.At = id, id.Time()
	return r
}
