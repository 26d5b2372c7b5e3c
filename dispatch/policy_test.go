package dispatch_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	"github.com/gridwatch/gridwatch/grid"
)

func TestDefaultPolicyValid(t *testing.T) {
	if err := dispatch.DefaultPolicy().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestPolicySlots(t *testing.T) {
	p := dispatch.DefaultPolicy()
	tests := []struct {
		category string
		severity int
		want     string // circles of the slots
	}{
		{"theft", 1, "01"},
		{"dispute", 2, "001"},
		{"dispute", 5, "001"}, // the category's rule wins over "*" at 4
		{"theft", 4, "0012"},
		{"violence", 1, "00122"},
	}
	for _, tt := range tests {
		var b strings.Builder
		for _, s := range p.Slots(tt.category, tt.severity) {
			b.WriteByte(byte('0' + s.Circle))
		}
		if got := b.String(); got != tt.want {
			t.Errorf("Slots(%s, %d) circles = %s, want %s", tt.category, tt.severity, got, tt.want)
		}
	}
}

func TestLoadPolicy(t *testing.T) {
	const rules = `"rules": [{"category": "*", "min_severity": 1, "draws": [{"circle": 1, "count": 1}]}`
	tests := []struct {
		name, json string
		wantField  string // "" for success
	}{
		{"rules only", `{` + rules + `]}`, ""},
		{"everything", `{"offer_timeout": "15s", "arrival_radius_m": 30, "circles_seconds": [60, 180], "fanout": 2, ` +
			rules + `, {"category": "dispute", "min_severity": 1, "draws": [{"circle": 2, "count": 2, "kinds": ["patrol_officer"]}]}]}`, ""},
		{"empty object keeps the defaults", `{}`, ""},
		{"unknown field", `{"timeout": "5s"}`, "policy"},
		{"bad duration", `{"offer_timeout": "soon"}`, "offer_timeout"},
		{"short timeout", `{"offer_timeout": "10ms"}`, "offer_timeout"},
		{"radius", `{"arrival_radius_m": 0}`, "arrival_radius_m"},
		{"fanout", `{"fanout": 0}`, "fanout"},
		{"circles decrease", `{"circles_seconds": [60, 30]}`, "circles_seconds[1]"},
		{"circle out of range", `{"rules": [{"category": "*", "min_severity": 1, "draws": [{"circle": 4, "count": 1}]}]}`, "rules[0].draws[0].circle"},
		{"count", `{"rules": [{"category": "*", "min_severity": 1, "draws": [{"circle": 1, "count": 0}]}]}`, "rules[0].draws[0].count"},
		{"kind", `{` + rules + `, {"category": "x", "min_severity": 2, "draws": [{"circle": 1, "count": 1, "kinds": ["cop"]}]}]}`, "rules[1].draws[0].kinds[0]"},
		{"category", `{"rules": [{"category": "Fire!", "min_severity": 1, "draws": [{"circle": 1, "count": 1}]}]}`, "rules[0].category"},
		{"severity", `{"rules": [{"category": "*", "min_severity": 6, "draws": [{"circle": 1, "count": 1}]}]}`, "rules[0].min_severity"},
		{"no draws", `{"rules": [{"category": "*", "min_severity": 1}]}`, "rules[0].draws"},
		{"duplicate", `{` + rules + `, {"category": "*", "min_severity": 1, "draws": [{"circle": 1, "count": 1}]}]}`, "rules[1]"},
		{"no fallback", `{"rules": [{"category": "x", "min_severity": 1, "draws": [{"circle": 1, "count": 1}]}]}`, "rules"},
		{"trailing data", `{} {}`, "policy"},
	}
	for _, tt := range tests {
		p, err := dispatch.LoadPolicy(strings.NewReader(tt.json))
		if tt.wantField == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if !errors.Is(err, dispatch.ErrInvalid) || !strings.HasPrefix(err.Error(), tt.wantField+":") {
			t.Errorf("%s: LoadPolicy = %+v, %v; want an invalid-argument error naming %s", tt.name, p, err, tt.wantField)
		}
	}
}

func TestLoadPolicyValues(t *testing.T) {
	p, err := dispatch.LoadPolicy(strings.NewReader(`{"offer_timeout": "15s", "rules": [
		{"category": "*", "min_severity": 1, "draws": [{"circle": 3, "count": 2, "kinds": ["reinforcement"]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	d := p.Rules[0].Draws[0]
	if p.OfferTimeout != 15*time.Second || p.ArrivalRadiusM != 50 || d.Circle != 2 || d.Count != 2 ||
		len(d.Kinds) != 1 || d.Kinds[0] != grid.Reinforcement {
		t.Errorf("LoadPolicy = %+v; want timeout 15s, radius 50, 2 reinforcements from circle index 2", p)
	}
}
