package geo

import (
	"fmt"
	"strconv"
	"strings"
)

// coordPath names a position inside a geometry's coordinates, built lazily
// (only when an error is reported).
type coordPath struct {
	base string
	idx  [3]int
	n    int
}

func (p coordPath) at(i int) coordPath {
	p.idx[p.n] = i
	p.n++
	return p
}

func (p coordPath) String() string {
	var b strings.Builder
	b.WriteString(p.base)
	for _, i := range p.idx[:p.n] {
		b.WriteString("[" + strconv.Itoa(i) + "]")
	}
	return b.String()
}

// vertexBudget counts positions against DecodeOptions.MaxVertices.
type vertexBudget struct {
	left, max int
	feature   string // field of the feature being decoded
}

// coordParser reads the "coordinates" member of a geometry. Its input has
// already been validated as JSON by encoding/json, so it only needs to
// tell apart arrays, numbers and other values.
type coordParser struct {
	data   []byte
	pos    int
	budget *vertexBudget
}

func (cp *coordParser) skipSpace() {
	for cp.pos < len(cp.data) {
		switch cp.data[cp.pos] {
		case ' ', '\t', '\r', '\n':
			cp.pos++
		default:
			return
		}
	}
}

// peek returns the next significant byte, or 0 at the end.
func (cp *coordParser) peek() byte {
	cp.skipSpace()
	if cp.pos == len(cp.data) {
		return 0
	}
	return cp.data[cp.pos]
}

// array parses a JSON array, calling elem for each element.
func (cp *coordParser) array(at coordPath, what string, elem func(i int) error) error {
	if c := cp.peek(); c != '[' {
		return &FieldError{Field: at.String(), Reason: fmt.Sprintf("%s must be an array, got %s", what, kindOf(c))}
	}
	cp.pos++
	if cp.peek() == ']' {
		cp.pos++
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		c := cp.peek()
		cp.pos++
		if c != ',' {
			return nil // ']': the input is valid JSON
		}
	}
}

// number scans a number token, converting it if convert is set (altitudes
// are only checked to be numbers); ok is false if the next value is not a
// number.
func (cp *coordParser) number(convert bool) (v float64, ok bool) {
	c := cp.peek()
	if c != '-' && (c < '0' || c > '9') {
		return 0, false
	}
	start := cp.pos
	for cp.pos < len(cp.data) && isNumberByte(cp.data[cp.pos]) {
		cp.pos++
	}
	if convert {
		// The literal is valid JSON; out of range values become ±Inf,
		// which ValidateLatLng rejects.
		v, _ = strconv.ParseFloat(string(cp.data[start:cp.pos]), 64)
	}
	return v, true
}

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'
}

// position parses [lng, lat, ...]; further numbers (altitude) are ignored.
func (cp *coordParser) position(at coordPath) (LatLng, error) {
	cp.budget.left--
	if cp.budget.left < 0 {
		return LatLng{}, &FieldError{Field: cp.budget.feature,
			Reason: fmt.Sprintf("collection has more than %d vertices", cp.budget.max)}
	}
	var xy [2]float64
	n := 0
	err := cp.array(at, "position", func(int) error {
		c := cp.peek()
		v, ok := cp.number(n < 2)
		if !ok {
			return &FieldError{Field: at.String(), Reason: "position must contain only numbers, found " + kindOf(c)}
		}
		if n < 2 {
			xy[n] = v
		}
		n++
		return nil
	})
	if err != nil {
		return LatLng{}, err
	}
	if n < 2 {
		return LatLng{}, &FieldError{Field: at.String(), Reason: fmt.Sprintf(
			"position must have at least 2 numbers [longitude, latitude], has %d", n)}
	}
	p := LatLng{Lat: xy[1], Lng: xy[0]}
	if reason := latLngProblem(p); reason != "" {
		return LatLng{}, &FieldError{Field: at.String(), Reason: reason}
	}
	return p, nil
}

// ring parses an array of positions.
func (cp *coordParser) ring(at coordPath) ([]LatLng, error) {
	var r []LatLng
	err := cp.array(at, "ring", func(i int) error {
		p, err := cp.position(at.at(i))
		r = append(r, p)
		return err
	})
	return r, err
}

// polygon parses an array of rings (outer ring first).
func (cp *coordParser) polygon(at coordPath) ([][]LatLng, error) {
	var rings [][]LatLng
	err := cp.array(at, "polygon", func(i int) error {
		r, err := cp.ring(at.at(i))
		rings = append(rings, r)
		return err
	})
	if err == nil && len(rings) == 0 {
		err = &FieldError{Field: at.String(), Reason: "polygon must have at least one ring"}
	}
	return rings, err
}

// multiPolygon parses an array of polygons.
func (cp *coordParser) multiPolygon(at coordPath) ([][][]LatLng, error) {
	var polys [][][]LatLng
	err := cp.array(at, "multipolygon", func(i int) error {
		p, err := cp.polygon(at.at(i))
		polys = append(polys, p)
		return err
	})
	if err == nil && len(polys) == 0 {
		err = &FieldError{Field: at.String(), Reason: "multipolygon must have at least one polygon"}
	}
	return polys, err
}

// kindOf names the JSON type of a value from its first byte.
func kindOf(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '{':
		return "an object"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case 0:
		return "nothing"
	}
	return "a number"
}
