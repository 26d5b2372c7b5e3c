package dispatch

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// MinCallerKeyBytes is the shortest key HashCaller accepts from the service
// configuration.
const MinCallerKeyBytes = 32

// NormalizePhone keeps a phone number's digits and a leading '+', so that
// "+86 138-0000-0000" and "+8613800000000" hash alike.
func NormalizePhone(phone string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		if unicode.IsDigit(r) && r < 128 || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// HashCaller returns the hex HMAC-SHA256 of the normalised phone number
// under key: the same caller always hashes alike, so repeated calls from
// one number can be linked, but the number cannot be recovered without the
// key. An empty number hashes to "".
func HashCaller(key []byte, phone string) string {
	n := NormalizePhone(phone)
	if n == "" {
		return ""
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(n))
	return hex.EncodeToString(m.Sum(nil))
}
