package grid

import (
	"testing"
	"time"
)

func TestHours(t *testing.T) {
	tests := []struct {
		in      string
		at      string
		staffed bool
		str     string
	}{
		{"07:00-22:00", "12:00", true, "07:00-22:00"},
		{"07:00-22:00", "22:00", false, "07:00-22:00"},
		{"22:00-06:00", "03:30", true, "22:00-06:00"},
		{"22:00-06:00", "12:00", false, "22:00-06:00"},
		{"24h", "00:00", true, "24h"},
		{"07:00-12:00, 14:00-18:00", "13:00", false, "07:00-12:00,14:00-18:00"},
		{"", "12:00", false, ""},
	}
	for _, tt := range tests {
		h, err := ParseHours(tt.in)
		if err != nil {
			t.Fatalf("ParseHours(%q): %v", tt.in, err)
		}
		at, _ := time.Parse("15:04", tt.at)
		if got := h.Staffed(at); got != tt.staffed {
			t.Errorf("%q at %s: got %v, want %v", tt.in, tt.at, got, tt.staffed)
		}
		if got := h.String(); got != tt.str {
			t.Errorf("String(%q): got %q, want %q", tt.in, got, tt.str)
		}
	}
	for _, bad := range []string{"7-22", "07:00", "25:00-26:00", "07:00-07:00"} {
		if _, err := ParseHours(bad); err == nil {
			t.Errorf("ParseHours(%q): no error", bad)
		}
	}
}

func TestParent(t *testing.T) {
	// parent must agree with H3's own cellToParent.
	for _, res := range []int{9, 8, 7, 3} {
		c := mustCell(t, 41.7962, 123.4510, 10)
		want, err := c.Parent(res)
		if err != nil {
			t.Fatal(err)
		}
		if got := parent(c, res); got != want {
			t.Errorf("parent(%v, %d): got %v, want %v", c, res, got, want)
		}
	}
}
