package limit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Rate is a token bucket's refill rate and size. The zero Rate is
// unlimited.
type Rate struct {
	// PerSecond is how many tokens are added per second; 0 means no limit.
	PerSecond float64
	// Burst is how many tokens the bucket holds: how many calls a caller
	// that was idle may make at once. At least 1 when PerSecond is set.
	Burst int
}

// Unlimited reports whether r limits nothing.
func (r Rate) Unlimited() bool { return r.PerSecond == 0 }

// Validate reports a negative, infinite or NaN rate, or a limited rate
// whose burst is below 1.
func (r Rate) Validate() error {
	switch {
	case math.IsNaN(r.PerSecond) || math.IsInf(r.PerSecond, 0) || r.PerSecond < 0:
		return fmt.Errorf("rate %v per second: want a finite number ≥ 0", r.PerSecond)
	case r.PerSecond > 0 && r.Burst < 1:
		return fmt.Errorf("burst %d: want ≥ 1", r.Burst)
	case r.Burst < 0:
		return fmt.Errorf("burst %d: want ≥ 0", r.Burst)
	}
	return nil
}

// refill is how long r takes to refill a whole burst.
func (r Rate) refill() time.Duration {
	return time.Duration(float64(r.Burst) / r.PerSecond * float64(time.Second))
}

// String returns r as ParseRate reads it: "off", or "<n>/s,<burst>" (per
// minute or hour when that spells the rate as a whole number).
func (r Rate) String() string {
	if r.Unlimited() {
		return "off"
	}
	n, unit := r.PerSecond, "s"
	for _, u := range []struct {
		name string
		secs float64
	}{{"m", 60}, {"h", 3600}} {
		if whole(n) {
			break
		}
		if whole(r.PerSecond * u.secs) {
			n, unit = math.Round(r.PerSecond*u.secs), u.name
		}
	}
	return strconv.FormatFloat(n, 'g', -1, 64) + "/" + unit + "," + strconv.Itoa(r.Burst)
}

// whole reports whether x is a whole number, give or take rounding.
func whole(x float64) bool { return math.Abs(x-math.Round(x)) < 1e-9 }

// ParseRate reads "<n>/<unit>[,<burst>]", where unit is s, m or h (per
// second, minute or hour) and burst defaults to n rounded up (at least 1):
// "10/s,50", "6/m", "0.5/s,5". "off" and "0" are the unlimited Rate.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return Rate{}, nil
	}
	spec, burstText, hasBurst := strings.Cut(s, ",")
	num, unit, ok := strings.Cut(spec, "/")
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: want <n>/<s|m|h>[,<burst>] or off", s)
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || n <= 0 {
		return Rate{}, fmt.Errorf("rate %q: want a number > 0 before the /", s)
	}
	per := map[string]float64{"s": 1, "m": 60, "h": 3600}[strings.TrimSpace(unit)]
	if per == 0 {
		return Rate{}, fmt.Errorf("rate %q: unit %q: want s, m or h", s, unit)
	}
	r := Rate{PerSecond: n / per, Burst: max(1, int(math.Ceil(n)))}
	if hasBurst {
		if r.Burst, err = strconv.Atoi(strings.TrimSpace(burstText)); err != nil || r.Burst < 1 {
			return Rate{}, fmt.Errorf("rate %q: burst %q: want a whole number ≥ 1", s, burstText)
		}
	}
	return r, r.Validate()
}
