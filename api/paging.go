package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"strings"
)

// Page sizes of List methods (AIP-158).
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// page is a checked page request of one collection and filter.
type page struct {
	filter string // the collection, and the filter where the request has one
	size   int
	after  string // the last id of the previous page; "" for the first
}

// checkPage validates page_size and page_token of a request listing filter.
// A size of 0 means defaultPageSize; sizes above maxPageSize are cut to it.
func checkPage(filter string, size int32, token string) (page, error) {
	n, err := checkPageSize(size, defaultPageSize, maxPageSize)
	if err != nil {
		return page{}, err
	}
	p := page{filter: filter, size: n}
	if token == "" {
		return p, nil
	}
	after, err := decodePageToken(filter, token)
	if err != nil {
		return page{}, err
	}
	p.after = after
	return p, nil
}

// checkPageSize validates page_size: 0 means def, sizes above limit are
// cut to it (AIP-158), negative ones are invalid.
func checkPageSize(size int32, def, limit int) (int, error) {
	switch {
	case size < 0:
		return 0, invalidf("page_size", "%d is negative", size)
	case size == 0:
		return def, nil
	}
	return min(int(size), limit), nil
}

// filterDigest names a listing of collection filtered by parts, for its
// page tokens: the collection alone when every part is empty, else with a
// digest of the parts (so that a token stays short whatever the filter,
// and is refused with another filter).
func filterDigest(collection string, parts ...string) string {
	if strings.Join(parts, "") == "" {
		return collection
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return collection + "?" + hex.EncodeToString(sum[:12])
}

// encodePageToken returns the opaque token of the page after id.
func encodePageToken(filter, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(filter + "\x00" + id))
}

// decodePageToken returns the id a token of filter continues after.
func decodePageToken(filter, token string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", invalid("page_token", "malformed token")
	}
	f, id, ok := strings.Cut(string(raw), "\x00")
	if !ok || id == "" {
		return "", invalid("page_token", "malformed token")
	}
	if f != filter {
		return "", invalid("page_token", "token of another list or filter")
	}
	return id, nil
}

// pageOf returns the page p of items, which are ordered by id, and the token
// of the next page ("" after the last).
func pageOf[T any](p page, items []T, id func(T) string) ([]T, string) {
	start := sort.Search(len(items), func(i int) bool { return id(items[i]) > p.after })
	end := min(start+p.size, len(items))
	if end == len(items) {
		return items[start:end], ""
	}
	return items[start:end], encodePageToken(p.filter, id(items[end-1]))
}
