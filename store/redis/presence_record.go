package redis

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gridwatch/gridwatch/geo"
	"github.com/gridwatch/gridwatch/presence"
)

// A stored presence record is one string of space-separated fields, in the
// order of these indexes (lua/presence_record.lua reads the same layout):
// the fields Nearby filters on come first, the home grid last so that it
// may hold any character. Enums are stored by this package's names ("-"
// for the unspecified value), floats in Go's shortest exact spelling
// ('g', -1), so that positions read back bit for bit, and times as
// "<unix seconds>.<9-digit nanoseconds>", exact over every time.Time.
const (
	fVersion = iota // "1"
	fStatus
	fKind
	fSeen
	fMode
	fFix
	fStart
	fVer // bumped by every change; orders the copies of a cross-shard move
	fTo  // "-", or the shard a cross-shard move is taking the record to
	fHasFix
	fInside
	fLat
	fLng
	fAcc
	fCell // hex; "0" without a fix
	fHome // the home grid: the rest of the string
	nFields
)

// notMoving is fTo of a record at rest.
const notMoving = "-"

var presStatuses = newEnumNames("presence status", map[presence.Status]string{
	presence.StatusUnspecified: "",
	presence.OffDuty:           "off_duty",
	presence.Available:         "available",
	presence.Busy:              "busy",
})

var errBadRecord = errors.New("malformed presence record")

// zeroUnix is time.Time{}.Unix(), stored for a zero time.
var zeroUnix = time.Time{}.Unix()

// encodeRecord packs a new record (version 1, at rest).
func encodeRecord(r presence.Record) (string, error) {
	status, err := presStatuses.name(r.Status)
	if err != nil {
		return "", err
	}
	kind, err := responderKinds.name(r.Kind)
	if err != nil {
		return "", err
	}
	mode, err := travelModes.name(r.Mode)
	if err != nil {
		return "", err
	}
	b := make([]byte, 0, 192)
	b = append(b, "1 "...)
	b = appendToken(b, status)
	b = appendToken(b, kind)
	b = appendTime(b, r.SeenAt)
	b = appendToken(b, mode)
	b = appendTime(b, r.FixTime)
	b = appendTime(b, r.ShiftStart)
	b = append(b, "1 - "...)
	b = append(b, flag(r.HasFix), ' ', flag(r.Inside), ' ')
	b = appendFloat(b, r.Position.Lat)
	b = appendFloat(b, r.Position.Lng)
	b = appendFloat(b, r.AccuracyM)
	b = strconv.AppendUint(b, uint64(r.Cell), 16)
	b = append(b, ' ')
	return string(append(b, r.HomeGrid...)), nil
}

func appendToken(b []byte, name string) []byte {
	if name == "" {
		name = "-"
	}
	return append(append(b, name...), ' ')
}

func appendFloat(b []byte, f float64) []byte {
	return append(strconv.AppendFloat(b, f, 'g', -1, 64), ' ')
}

func flag(v bool) byte {
	if v {
		return '1'
	}
	return '0'
}

// appendTime appends t and a space.
func appendTime(b []byte, t time.Time) []byte {
	return append(append(b, timeArg(t)...), ' ')
}

// timeArg spells t as stored: "<unix seconds>.<9-digit nanoseconds>".
func timeArg(t time.Time) string {
	return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
}

// tombPrefix starts a tombstone "t <ver>", which a record leaves in a
// shard it left or ended in (lua/presence_record.lua).
const tombPrefix = "t "

// tombVersion returns the version of a tombstone; ok is false for a record.
func tombVersion(s string) (ver int64, ok bool) {
	v, isTomb := strings.CutPrefix(s, tombPrefix)
	if !isTomb {
		return 0, false
	}
	ver, _ = strconv.ParseInt(v, 10, 64)
	return ver, true
}

// splitRecord cuts a record into its fields without copying.
func splitRecord(s string) (f [nFields]string, err error) {
	for i := range fHome {
		sp := strings.IndexByte(s, ' ')
		if sp < 0 {
			return f, errBadRecord
		}
		f[i], s = s[:sp], s[sp+1:]
	}
	f[fHome] = s
	if f[fVersion] != "1" {
		return f, fmt.Errorf("presence record version %q: %w", f[fVersion], errBadRecord)
	}
	return f, nil
}

// decodeRecord unpacks the stored record of responder id.
func decodeRecord(id, s string) (presence.Record, error) {
	f, err := splitRecord(s)
	if err != nil {
		return presence.Record{}, err
	}
	r := presence.Record{ID: id, HomeGrid: f[fHome], HasFix: f[fHasFix] == "1", Inside: f[fInside] == "1"}
	var errs [10]error
	r.Status, errs[0] = presStatuses.value(untoken(f[fStatus]))
	r.Kind, errs[1] = responderKinds.value(untoken(f[fKind]))
	r.Mode, errs[2] = travelModes.value(untoken(f[fMode]))
	r.SeenAt, errs[3] = parseTime(f[fSeen])
	r.FixTime, errs[4] = parseTime(f[fFix])
	r.ShiftStart, errs[5] = parseTime(f[fStart])
	r.Position.Lat, errs[6] = strconv.ParseFloat(f[fLat], 64)
	r.Position.Lng, errs[7] = strconv.ParseFloat(f[fLng], 64)
	r.AccuracyM, errs[8] = strconv.ParseFloat(f[fAcc], 64)
	r.Cell, errs[9] = parseCell(f[fCell])
	if err := errors.Join(errs[:]...); err != nil {
		return presence.Record{}, fmt.Errorf("%w: %w", errBadRecord, err)
	}
	return r, nil
}

// decodeCandidate reads the fields of a record Nearby returns.
func decodeCandidate(id, s string) (presence.Candidate, error) {
	f, err := splitRecord(s)
	if err != nil {
		return presence.Candidate{}, err
	}
	c := presence.Candidate{ID: id}
	var errs [5]error
	c.Kind, errs[0] = responderKinds.value(untoken(f[fKind]))
	c.Mode, errs[1] = travelModes.value(untoken(f[fMode]))
	c.Position.Lat, errs[2] = strconv.ParseFloat(f[fLat], 64)
	c.Position.Lng, errs[3] = strconv.ParseFloat(f[fLng], 64)
	c.Cell, errs[4] = parseCell(f[fCell])
	if err := errors.Join(errs[:]...); err != nil {
		return presence.Candidate{}, fmt.Errorf("%w: %w", errBadRecord, err)
	}
	return c, nil
}

func untoken(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

// parseTime reverses timeArg; the zero time reads back as time.Time{}.
func parseTime(s string) (time.Time, error) {
	secs, nanos, ok := strings.Cut(s, ".")
	if !ok || len(nanos) != 9 {
		return time.Time{}, fmt.Errorf("time %q", s)
	}
	sec, err1 := strconv.ParseInt(secs, 10, 64)
	ns, err2 := strconv.ParseInt(nanos, 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return time.Time{}, err
	}
	if sec == zeroUnix && ns == 0 {
		return time.Time{}, nil
	}
	return time.Unix(sec, ns), nil
}

// floatArg spells a coordinate or accuracy as stored.
func floatArg(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// flagArg spells a boolean as stored.
func flagArg(v bool) string { return string(flag(v)) }

// position is a LatLng's stored spelling, for scripts' arguments.
func position(p geo.LatLng) (lat, lng string) { return floatArg(p.Lat), floatArg(p.Lng) }
