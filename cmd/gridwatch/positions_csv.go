package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	gridwatchv1 "github.com/gridwatch/gridwatch/gen/gridwatch/v1"
)

// positionRow is one row of a positions file.
type positionRow struct {
	line int
	id   string
	kind gridwatchv1.ResponderKind
	mode gridwatchv1.TravelMode // unspecified: the roster's default for kind
	pos  *gridwatchv1.LatLng
}

// positionColumns are the columns of a positions file; travel_mode may be
// left out or empty.
var positionColumns = []string{"id", "kind", "travel_mode", "lat", "lng"}

// readPositions reads a CSV file with the header id,kind,travel_mode,lat,lng
// (in any order).
func readPositions(path string) ([]positionRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parsePositions(f)
}

// parsePositions parses the CSV of readPositions.
func parsePositions(r io.Reader) ([]positionRow, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	col, err := positionHeader(header)
	if err != nil {
		return nil, err
	}
	var rows []positionRow
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		pr, err := parsePositionRow(rec, col, line)
		if err != nil {
			return nil, err
		}
		rows = append(rows, pr)
	}
	if len(rows) == 0 {
		return nil, errors.New("no rows")
	}
	return rows, nil
}

// positionHeader returns the index of each known column, -1 if absent.
func positionHeader(header []string) (map[string]int, error) {
	col := map[string]int{}
	for _, c := range positionColumns {
		col[c] = -1
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("header: unknown column %q (want %s)", h, strings.Join(positionColumns, ","))
		}
		col[h] = i
	}
	for _, c := range []string{"id", "kind", "lat", "lng"} {
		if col[c] < 0 {
			return nil, fmt.Errorf("header: missing column %q (want %s)", c, strings.Join(positionColumns, ","))
		}
	}
	return col, nil
}

func parsePositionRow(rec []string, col map[string]int, line int) (positionRow, error) {
	get := func(c string) string {
		if i := col[c]; i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	pr := positionRow{line: line, id: get("id")}
	if pr.id == "" {
		return pr, fmt.Errorf("line %d id: required", line)
	}
	var err error
	if pr.kind, err = parseResponderKind(get("kind")); err != nil {
		return pr, fmt.Errorf("line %d %w", line, err)
	}
	if m := get("travel_mode"); m != "" {
		v, ok := gridwatchv1.TravelMode_value["TRAVEL_MODE_"+strings.ToUpper(m)]
		if !ok || v == 0 {
			return pr, fmt.Errorf("line %d travel_mode %q: want walk, bike or car", line, m)
		}
		pr.mode = gridwatchv1.TravelMode(v)
	}
	lat, err1 := strconv.ParseFloat(get("lat"), 64)
	lng, err2 := strconv.ParseFloat(get("lng"), 64)
	if err := errors.Join(err1, err2); err != nil {
		return pr, fmt.Errorf("line %d lat,lng %q,%q: not numbers", line, get("lat"), get("lng"))
	}
	pr.pos = &gridwatchv1.LatLng{Latitude: lat, Longitude: lng}
	return pr, nil
}

// rosterCSV returns the ImportResponders CSV of rows: id,kind,travel_mode.
func rosterCSV(rows []positionRow) string {
	var b strings.Builder
	b.WriteString("id,kind,travel_mode\n")
	w := csv.NewWriter(&b)
	for _, r := range rows {
		mode := ""
		if r.mode != gridwatchv1.TravelMode_TRAVEL_MODE_UNSPECIFIED {
			mode = enumName(r.mode.String(), "TRAVEL_MODE_")
		}
		_ = w.Write([]string{r.id, enumName(r.kind.String(), "RESPONDER_KIND_"), mode})
	}
	w.Flush()
	return b.String()
}
