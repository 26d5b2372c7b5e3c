package grid

import (
	"fmt"
	"strings"
	"time"
)

// Hours is when a watch post is staffed: intervals of minutes since local
// midnight. An interval may run past midnight (22:00-06:00).
type Hours []Interval

// Interval is one staffed span, [Start, End) in minutes since midnight;
// End may be less than Start for a span across midnight.
type Interval struct{ Start, End int }

// AllDay is a post staffed round the clock.
var AllDay = Hours{{Start: 0, End: 24 * 60}}

// ParseHours reads "24h" or comma-separated "HH:MM-HH:MM" spans, such as
// "07:00-12:00,14:00-22:00". An empty string means not staffed.
func ParseHours(s string) (Hours, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if strings.EqualFold(s, "24h") {
		return AllDay, nil
	}
	var h Hours
	for _, part := range strings.Split(s, ",") {
		from, to, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return nil, fmt.Errorf("staffed hours %q: want HH:MM-HH:MM", part)
		}
		a, err := parseClock(from)
		if err != nil {
			return nil, err
		}
		b, err := parseClock(to)
		if err != nil {
			return nil, err
		}
		if a == b {
			return nil, fmt.Errorf("staffed hours %q: empty span", part)
		}
		h = append(h, Interval{Start: a, End: b})
	}
	return h, nil
}

func parseClock(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "24:00" {
		return 24 * 60, nil
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// String formats the hours as ParseHours reads them.
func (h Hours) String() string {
	if len(h) == 1 && h[0] == AllDay[0] {
		return "24h"
	}
	parts := make([]string, len(h))
	for i, iv := range h {
		parts[i] = fmt.Sprintf("%02d:%02d-%02d:%02d", iv.Start/60, iv.Start%60, iv.End/60, iv.End%60)
	}
	return strings.Join(parts, ",")
}

// Staffed reports whether the post is staffed at t (in t's location).
func (h Hours) Staffed(t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	for _, iv := range h {
		if iv.Start < iv.End && m >= iv.Start && m < iv.End {
			return true
		}
		if iv.Start > iv.End && (m >= iv.Start || m < iv.End) {
			return true
		}
	}
	return false
}
