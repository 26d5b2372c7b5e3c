package grid

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gridwatch/gridwatch/geo"
)

// Format is the encoding of an uploaded file.
type Format int

// The upload formats. FormatUnspecified lets the service sniff: a body
// starting with '{' is GeoJSON, anything else CSV.
const (
	FormatUnspecified Format = iota
	FormatCSV
	FormatGeoJSON
)

// Upload is a file an administrator imports: units, posts, compounds or the
// roster. Imports are all-or-nothing: one bad row and nothing is stored.
type Upload struct {
	Data         []byte
	Format       Format
	Datum        geo.Datum // of the coordinates in Data
	ValidateOnly bool      // check everything, store nothing
}

func (u Upload) format() Format {
	if u.Format != FormatUnspecified {
		return u.Format
	}
	if t := bytes.TrimLeft(u.Data, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
		return FormatGeoJSON
	}
	return FormatCSV
}

// table is a parsed CSV file with a header row.
type table struct {
	cols  map[string]int
	rows  [][]string
	lines []int // 1-based line of each row, for error messages
}

// readCSV parses data, requiring the columns in required and allowing those
// in optional; any other column is an error (a typo would lose data).
func readCSV(data []byte, required, optional []string) (*table, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, invalid("data", fmt.Sprintf("reading the CSV header: %v", err))
	}
	t := &table{cols: map[string]int{}}
	known := map[string]bool{}
	for _, c := range append(append([]string{}, required...), optional...) {
		known[c] = true
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !known[h] {
			return nil, invalid("data", fmt.Sprintf("line 1: unknown column %q (known: %s)", h, strings.Join(append(required, optional...), ",")))
		}
		t.cols[h] = i
	}
	for _, c := range required {
		if _, ok := t.cols[c]; !ok {
			return nil, invalid("data", fmt.Sprintf("line 1: missing column %q", c))
		}
	}
	return t, t.readRows(r, len(header))
}

func (t *table) readRows(r *csv.Reader, width int) error {
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return invalid("data", fmt.Sprintf("line %d: %v", line, err))
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != width {
			return invalid(fmt.Sprintf("line %d", line), fmt.Sprintf("%d fields, header has %d", len(rec), width))
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
}

// get returns column col of row i, trimmed, or "" if the column is absent.
func (t *table) get(i int, col string) string {
	j, ok := t.cols[col]
	if !ok {
		return ""
	}
	return strings.TrimSpace(t.rows[i][j])
}

// field names a cell of the table in errors, e.g. "line 4 lat".
func (t *table) field(i int, col string) string {
	return fmt.Sprintf("line %d %s", t.lines[i], col)
}

// emptyCheck rejects an upload with no records.
func emptyCheck(n int) error {
	if n == 0 {
		return invalid("data", "no records")
	}
	return nil
}
