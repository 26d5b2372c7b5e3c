package geo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// maxPlainExponent bounds the exponent of numbers rendered in plain decimal
// notation, so that "1e999999999" cannot expand into a huge string.
const maxPlainExponent = 100

// String returns the string property key. A JSON number is accepted too and
// rendered in plain decimal notation (integral values as integers, e.g.
// 1.5e3 as "1500"). ok is false if the property is missing or null; a
// property of another type yields a *FieldError naming
// "features[i].properties.key".
func (f Feature) String(key string) (value string, ok bool, err error) {
	raw := bytes.TrimSpace(f.Properties[key])
	if isAbsent(raw) {
		return "", false, nil
	}
	field := fmt.Sprintf("features[%d].properties.%s", f.Index, key)
	s, err := scalarString(field, raw)
	if err != nil {
		return "", false, err
	}
	return s, true, nil
}

// decodeID renders a feature "id" (string or number) as a string; a missing
// or null id is "".
func decodeID(field string, raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if isAbsent(raw) {
		return "", nil
	}
	return scalarString(field, raw)
}

// scalarString renders a JSON string or number as a Go string.
func scalarString(field string, raw []byte) (string, error) {
	switch c := raw[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", &FieldError{Field: field, Reason: "invalid string: " + err.Error()}
		}
		return s, nil
	case c == '-' || (c >= '0' && c <= '9'):
		s, ok := plainNumber(string(raw))
		if !ok {
			return "", &FieldError{Field: field, Reason: "number " + describe(raw) + " is out of range"}
		}
		return s, nil
	default:
		return "", &FieldError{Field: field, Reason: "must be a string or a number, got " + kindOf(c)}
	}
}

// plainNumber rewrites a valid JSON number literal without an exponent and
// without redundant zeros: "210102" → "210102", "1.50e2" → "150",
// "2.5E-1" → "0.25", "-0.0" → "0". It reports false if the exponent is
// beyond ±maxPlainExponent.
func plainNumber(lit string) (string, bool) {
	neg := strings.HasPrefix(lit, "-")
	lit = strings.TrimPrefix(lit, "-")
	mant, exp := lit, 0
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		e, err := strconv.Atoi(lit[i+1:])
		if err != nil || e < -maxPlainExponent || e > maxPlainExponent {
			return "", false
		}
		mant, exp = lit[:i], e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	point := len(intPart) + exp // position of the decimal point in digits
	var s string
	switch {
	case point <= 0:
		s = "0." + strings.Repeat("0", -point) + digits
	case point >= len(digits):
		s = digits + strings.Repeat("0", point-len(digits))
	default:
		s = digits[:point] + "." + digits[point:]
	}
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	if s = strings.TrimLeft(s, "0"); s == "" || s[0] == '.' {
		s = "0" + s
	}
	if neg && s != "0" {
		s = "-" + s
	}
	return s, true
}
