package dispatch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gridwatch/gridwatch/grid"
)

// AnyCategory is the category of rules that apply to every category.
const AnyCategory = "*"

// Limits of a policy.
const (
	MaxSeverity       = 5
	maxCircles        = 8
	maxDrawCount      = 16
	maxSlots          = 32
	maxRules          = 1000
	maxPolicyBytes    = 1 << 20
	defaultFanout     = 1
	maxFanout         = 16
	defaultRadiusM    = 50
	defaultTimeout    = 20 * time.Second
	minOfferTimeout   = time.Second
	maxOfferTimeout   = 10 * time.Minute
	maxArrivalRadiusM = 1000
)

// Policy says whom to dispatch to an incident, and how offers and arrival
// work. The zero value is not usable; start from DefaultPolicy or
// LoadPolicy.
type Policy struct {
	// OfferTimeout is how long an offer waits for an answer (20 s).
	OfferTimeout time.Duration
	// ArrivalRadiusM is how near the incident a responder's position must
	// come to count as on scene, in metres (50).
	ArrivalRadiusM float64
	// Circles are the targets of the response circles, in order (1, 3 and
	// 5 minutes): a slot drawn from circle i met its target when its
	// responder arrived within Circles[i] of the incident's creation. They
	// should equal presence's circles, whose search fills the slots.
	Circles []time.Duration
	// Fanout is how many offers a slot has pending at once (1): the first
	// to accept wins, the others are revoked.
	Fanout int
	// Rules map categories and severities to draws. The rule of an
	// incident is the one of its category, else of AnyCategory, with the
	// highest MinSeverity not above its severity.
	Rules []Rule
}

// Rule is the draws of one category from a minimum severity up.
type Rule struct {
	Category    string
	MinSeverity int
	Draws       []Draw
}

// Draw asks for Count responders of Kinds (any kind if empty) from the
// 0-based circle Circle; each becomes a slot.
type Draw struct {
	Circle int
	Count  int
	Kinds  []grid.ResponderKind
}

// local are the kinds that serve the 1-minute circle.
var local = []grid.ResponderKind{grid.WatchPostStaff, grid.WatchVolunteer, grid.SecurityGuard,
	grid.SafetyVolunteer, grid.CommunityOfficer}

// DefaultPolicy follows the 1-3-5 rule: local watch forces from the
// 1-minute circle, a patrol from the 3-minute circle, and reinforcements
// from the 5-minute circle for violence and for every incident of
// severity 4 or more.
func DefaultPolicy() Policy {
	patrol := []grid.ResponderKind{grid.PatrolOfficer}
	reinf := []grid.ResponderKind{grid.Reinforcement}
	base := []Draw{{Circle: 0, Count: 1, Kinds: local}, {Circle: 1, Count: 1, Kinds: patrol}}
	two := []Draw{{Circle: 0, Count: 2, Kinds: local}, {Circle: 1, Count: 1, Kinds: patrol}}
	return Policy{
		OfferTimeout: defaultTimeout, ArrivalRadiusM: defaultRadiusM, Fanout: defaultFanout,
		Circles: []time.Duration{time.Minute, 3 * time.Minute, 5 * time.Minute},
		Rules: []Rule{
			{Category: AnyCategory, MinSeverity: 1, Draws: base},
			{Category: AnyCategory, MinSeverity: 4, Draws: append(two[:2:2],
				Draw{Circle: 2, Count: 1, Kinds: reinf})},
			{Category: "dispute", MinSeverity: 1, Draws: two},
			{Category: "violence", MinSeverity: 1, Draws: append(two[:2:2],
				Draw{Circle: 2, Count: 2, Kinds: reinf})},
		},
	}
}

// Rule returns the rule of a category and severity; a valid policy always
// has one.
func (p Policy) Rule(category string, severity int) (Rule, bool) {
	for _, c := range []string{category, AnyCategory} {
		best := -1
		for i, r := range p.Rules {
			if r.Category == c && r.MinSeverity <= severity &&
				(best < 0 || r.MinSeverity > p.Rules[best].MinSeverity) {
				best = i
			}
		}
		if best >= 0 {
			return p.Rules[best], true
		}
	}
	return Rule{}, false
}

// Slots returns the open slots the rule of category and severity asks for.
func (p Policy) Slots(category string, severity int) []Slot {
	r, _ := p.Rule(category, severity)
	var slots []Slot
	for _, d := range r.Draws {
		for range d.Count {
			slots = append(slots, Slot{Index: len(slots), Circle: d.Circle,
				Kinds: append([]grid.ResponderKind(nil), d.Kinds...), State: SlotOpen})
		}
	}
	return slots
}

// Validate checks p; the error matches ErrInvalid and names the field.
func (p Policy) Validate() error {
	switch {
	case p.OfferTimeout < minOfferTimeout || p.OfferTimeout > maxOfferTimeout:
		return invalid("offer_timeout", fmt.Sprintf("%v is outside [%v, %v]",
			p.OfferTimeout, minOfferTimeout, maxOfferTimeout))
	case !(p.ArrivalRadiusM > 0 && p.ArrivalRadiusM <= maxArrivalRadiusM):
		return invalid("arrival_radius_m", fmt.Sprintf("%g is outside (0, %d]",
			p.ArrivalRadiusM, maxArrivalRadiusM))
	case p.Fanout < 1 || p.Fanout > maxFanout:
		return invalid("fanout", fmt.Sprintf("%d is outside [1, %d]", p.Fanout, maxFanout))
	case len(p.Circles) == 0 || len(p.Circles) > maxCircles:
		return invalid("circles_seconds", fmt.Sprintf("want 1 to %d circles", maxCircles))
	case len(p.Rules) > maxRules:
		return invalid("rules", fmt.Sprintf("more than %d rules", maxRules))
	}
	for i, c := range p.Circles {
		if c <= 0 || (i > 0 && c <= p.Circles[i-1]) {
			return invalid(idx("circles_seconds", i), "circles must be positive and increasing")
		}
	}
	seen := map[string]int{}
	for i, r := range p.Rules {
		if err := p.validateRule(idx("rules", i), r, seen); err != nil {
			return err
		}
	}
	if _, ok := seen[AnyCategory+"/1"]; !ok {
		return invalid("rules", `need a rule with category "*" and min_severity 1`)
	}
	return nil
}

// validateRule checks one rule; seen catches duplicates.
func (p Policy) validateRule(field string, r Rule, seen map[string]int) error {
	if err := checkCategory(field+".category", r.Category, true); err != nil {
		return err
	}
	if r.MinSeverity < 1 || r.MinSeverity > MaxSeverity {
		return invalid(field+".min_severity", fmt.Sprintf("%d is outside [1, %d]", r.MinSeverity, MaxSeverity))
	}
	key := r.Category + "/" + strconv.Itoa(r.MinSeverity)
	if _, dup := seen[key]; dup {
		return invalid(field, fmt.Sprintf("duplicate rule for category %q and min_severity %d",
			r.Category, r.MinSeverity))
	}
	seen[key] = 1
	if len(r.Draws) == 0 {
		return invalid(field+".draws", "required")
	}
	total := 0
	for j, d := range r.Draws {
		df := idx(field+".draws", j)
		switch {
		case d.Circle < 0 || d.Circle >= len(p.Circles):
			return invalid(df+".circle", fmt.Sprintf("%d is outside [1, %d]", d.Circle+1, len(p.Circles)))
		case d.Count < 1 || d.Count > maxDrawCount:
			return invalid(df+".count", fmt.Sprintf("%d is outside [1, %d]", d.Count, maxDrawCount))
		}
		for k, kind := range d.Kinds {
			if kind <= grid.ResponderKindUnspecified || kind > grid.Reinforcement {
				return invalid(idx(df+".kinds", k), fmt.Sprintf("unknown responder kind %d", int(kind)))
			}
		}
		total += d.Count
	}
	if total > maxSlots {
		return invalid(field+".draws", fmt.Sprintf("%d responders, at most %d", total, maxSlots))
	}
	return nil
}

// checkCategory validates a category: lowercase letters, digits and '_',
// 1 to 64 bytes; AnyCategory too if wildcard.
func checkCategory(field, c string, wildcard bool) error {
	if wildcard && c == AnyCategory {
		return nil
	}
	if c == "" || len(c) > 64 || strings.Trim(c, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return invalid(field, fmt.Sprintf("%q is not 1 to 64 lowercase letters, digits or '_'", c))
	}
	return nil
}

func idx(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

// policyJSON is the file format (docs/DISPATCH.md).
type policyJSON struct {
	OfferTimeout   *string    `json:"offer_timeout"`
	ArrivalRadiusM *float64   `json:"arrival_radius_m"`
	CirclesSeconds []float64  `json:"circles_seconds"`
	Fanout         *int       `json:"fanout"`
	Rules          []ruleJSON `json:"rules"`
}

type ruleJSON struct {
	Category    string     `json:"category"`
	MinSeverity int        `json:"min_severity"`
	Draws       []drawJSON `json:"draws"`
}

type drawJSON struct {
	Circle int      `json:"circle"` // 1-based in the file
	Count  int      `json:"count"`
	Kinds  []string `json:"kinds"`
}

// LoadPolicy reads a policy file (JSON, docs/DISPATCH.md). Absent settings
// take DefaultPolicy's; rules, if given, replace the default rules
// entirely. Errors match ErrInvalid and name the field, e.g.
// "rules[2].draws[0].kinds[1]: unknown responder kind \"cop\"".
func LoadPolicy(r io.Reader) (Policy, error) {
	dec := json.NewDecoder(io.LimitReader(r, maxPolicyBytes))
	dec.DisallowUnknownFields()
	var pj policyJSON
	if err := dec.Decode(&pj); err != nil {
		return Policy{}, invalid("", "policy: "+err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Policy{}, invalid("", "policy: data after the JSON object")
	}
	p, err := pj.policy()
	if err != nil {
		return Policy{}, err
	}
	return p, p.Validate()
}

// policy converts the file's form, defaults filled in.
func (pj policyJSON) policy() (Policy, error) {
	p := DefaultPolicy()
	if pj.OfferTimeout != nil {
		d, err := time.ParseDuration(*pj.OfferTimeout)
		if err != nil {
			return Policy{}, invalid("offer_timeout", fmt.Sprintf("%q is not a duration like \"20s\"", *pj.OfferTimeout))
		}
		p.OfferTimeout = d
	}
	if pj.ArrivalRadiusM != nil {
		p.ArrivalRadiusM = *pj.ArrivalRadiusM
	}
	if pj.Fanout != nil {
		p.Fanout = *pj.Fanout
	}
	if pj.CirclesSeconds != nil {
		p.Circles = make([]time.Duration, len(pj.CirclesSeconds))
		for i, s := range pj.CirclesSeconds {
			if !(s > 0 && s <= 3600) || math.IsNaN(s) {
				return Policy{}, invalid(idx("circles_seconds", i), fmt.Sprintf("%g is outside (0, 3600]", s))
			}
			p.Circles[i] = time.Duration(s * float64(time.Second))
		}
	}
	if pj.Rules != nil {
		rules, err := convertRules(pj.Rules)
		if err != nil {
			return Policy{}, err
		}
		p.Rules = rules
	}
	return p, nil
}

// convertRules converts the file's rules; circles become 0-based.
func convertRules(rj []ruleJSON) ([]Rule, error) {
	rules := make([]Rule, len(rj))
	for i, r := range rj {
		rules[i] = Rule{Category: r.Category, MinSeverity: r.MinSeverity, Draws: make([]Draw, len(r.Draws))}
		for j, d := range r.Draws {
			draw := Draw{Circle: d.Circle - 1, Count: d.Count}
			for k, s := range d.Kinds {
				kind, err := grid.ParseResponderKind(s)
				if err != nil {
					return nil, invalid(fmt.Sprintf("rules[%d].draws[%d].kinds[%d]", i, j, k), err.Error())
				}
				draw.Kinds = append(draw.Kinds, kind)
			}
			rules[i].Draws[j] = draw
		}
	}
	return rules, nil
}
