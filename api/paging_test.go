package api

import (
	"slices"
	"strconv"
	"testing"
)

func TestPageOf(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e"}
	id := func(s string) string { return s }
	cases := []struct {
		name     string
		size     int
		after    string
		want     []string
		wantNext string // the id the next token continues after; "" for none
	}{
		{"first page", 2, "", []string{"a", "b"}, "b"},
		{"middle page", 2, "b", []string{"c", "d"}, "d"},
		{"last page, full", 1, "d", []string{"e"}, ""},
		{"last page, short", 10, "c", []string{"d", "e"}, ""},
		{"after a deleted id", 2, "bb", []string{"c", "d"}, "d"},
		{"after the end", 2, "z", []string{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, next := pageOf(page{filter: "f", size: tc.size, after: tc.after}, ids, id)
			if !slices.Equal(got, tc.want) {
				t.Errorf("page: got %q, want %q", got, tc.want)
			}
			wantNext := ""
			if tc.wantNext != "" {
				wantNext = encodePageToken("f", tc.wantNext)
			}
			if next != wantNext {
				t.Errorf("next token: got %q, want %q", next, wantNext)
			}
		})
	}
}

func TestCheckPage(t *testing.T) {
	cases := []struct {
		size     int32
		token    string
		wantSize int
		wantErr  bool
	}{
		{0, "", defaultPageSize, false},
		{1, "", 1, false},
		{1000, "", 1000, false},
		{5000, "", maxPageSize, false},
		{-1, "", 0, true},
		{10, encodePageToken("units", "x"), 10, false},
		{10, encodePageToken("responders", "x"), 0, true},
		{10, encodePageToken("units", ""), 0, true},
		{10, "====", 0, true},
	}
	for i, tc := range cases {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			p, err := checkPage("units", tc.size, tc.token)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error: got %v, want error %v", err, tc.wantErr)
			}
			if err == nil && p.size != tc.wantSize {
				t.Errorf("size: got %d, want %d", p.size, tc.wantSize)
			}
		})
	}
}
