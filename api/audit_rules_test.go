package api

import (
	"fmt"
	"slices"
	"testing"
)

func TestDedupe(t *testing.T) {
	many := make([]string, 0, 2*nameScanMax)
	wantMany := make([]string, 0, nameScanMax)
	for i := range nameScanMax {
		n := fmt.Sprintf("responders/r%02d", i)
		many = append(many, n, n)
		wantMany = append(wantMany, n)
	}
	tests := []struct {
		name     string
		in, want []string
	}{
		{"empty", nil, []string{}},
		{"scan", []string{"a", "b", "a", "c", "b"}, []string{"a", "b", "c"}},
		{"set", many, wantMany},
	}
	for _, tt := range tests {
		if got := dedupe(slices.Clone(tt.in)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
