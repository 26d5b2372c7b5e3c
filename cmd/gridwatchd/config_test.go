package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/internal/tlstest"
	"github.com/gridwatch/gridwatch/limit"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/server"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    func(config) bool
		wantErr bool
	}{
		{"defaults", nil, nil, func(c config) bool { return c.Listen == ":8080" && c.Store == "memory" }, false},
		{"env", nil, map[string]string{"GRIDWATCH_STORE": "redis", "GRIDWATCH_REDIS_URL": "redis://h:1/2"},
			func(c config) bool { return c.Store == "redis" && c.RedisURL == "redis://h:1/2" }, false},
		{"flag beats env", []string{"-max-deadline", "5s"}, map[string]string{"GRIDWATCH_MAX_DEADLINE": "9s"},
			func(c config) bool { return c.Server.MaxDeadline == 5*time.Second }, false},
		{"bad env", nil, map[string]string{"GRIDWATCH_MAX_DEADLINE": "soon"}, nil, true},
		{"bad store", []string{"-store", "etcd"}, nil, nil, true},
		{"bad resolution", []string{"-grid-resolution", "12"}, nil, nil, true},
		{"unknown flag", []string{"-colour"}, nil, nil, true},
		{"presence defaults", nil, nil, func(c config) bool {
			lin, ok := c.Presence.Model.(presence.Linear)
			return ok && c.Presence.StaleAfter == time.Minute && lin.Circuity == 1.3 &&
				lin.SpeedKmh[grid.Walk] == 5 && lin.SpeedKmh[grid.Bike] == 15 && lin.SpeedKmh[grid.Car] == 30
		}, false},
		{"presence env and flags", []string{"-speed-car-kmh", "40"},
			map[string]string{"GRIDWATCH_STALE_AFTER": "90s", "GRIDWATCH_CIRCUITY": "1.5", "GRIDWATCH_SPEED_CAR_KMH": "20"},
			func(c config) bool {
				lin, _ := c.Presence.Model.(presence.Linear)
				return c.Presence.StaleAfter == 90*time.Second && lin.Circuity == 1.5 && lin.SpeedKmh[grid.Car] == 40
			}, false},
		{"circuity below 1", []string{"-circuity", "0.9"}, nil, nil, true},
		{"circuity NaN", []string{"-circuity", "NaN"}, nil, nil, true},
		{"zero speed", []string{"-speed-walk-kmh", "0"}, nil, nil, true},
		{"infinite speed", nil, map[string]string{"GRIDWATCH_SPEED_BIKE_KMH": "+Inf"}, nil, true},
		{"stale-after zero", []string{"-stale-after", "0s"}, nil, nil, true},
		{"dispatch defaults", nil, nil, func(c config) bool {
			return c.Dispatch.Tick == 500*time.Millisecond && c.Dispatch.CallerKey == "" && c.Dispatch.EventStreamLen == 10_000 &&
				c.Dispatch.Policy.Validate() == nil && c.Dispatch.Policy.Fanout == 1
		}, false},
		{"dispatch env", nil, map[string]string{"GRIDWATCH_DISPATCH_TICK": "2s",
			"GRIDWATCH_CALLER_KEY": strings.Repeat("k", 32)}, func(c config) bool {
			return c.Dispatch.Tick == 2*time.Second && len(c.Dispatch.CallerKey) == 32
		}, false},
		{"event stream length", []string{"-event-stream-len", "500"}, nil,
			func(c config) bool { return c.Dispatch.EventStreamLen == 500 }, false},
		{"zero event stream length", nil, map[string]string{"GRIDWATCH_EVENT_STREAM_LEN": "0"}, nil, true},
		{"short caller key", []string{"-caller-key", "short"}, nil, nil, true},
		{"zero tick", []string{"-dispatch-tick", "0s"}, nil, nil, true},
		{"missing policy", []string{"-dispatch-policy", "/nonexistent/policy.json"}, nil, nil, true},
		{"policy file", []string{"-dispatch-policy", writeTemp(t, `{"fanout": 3}`)}, nil,
			func(c config) bool { return c.Dispatch.Policy.Fanout == 3 }, false},
		{"audit defaults", nil, nil, func(c config) bool {
			return c.Audit.Retention == 400*24*time.Hour && c.Audit.TrimEvery == time.Hour
		}, false},
		{"audit env", nil, map[string]string{"GRIDWATCH_AUDIT_RETENTION": "4320h", "GRIDWATCH_AUDIT_TRIM_EVERY": "10m"},
			func(c config) bool {
				return c.Audit.Retention == 180*24*time.Hour && c.Audit.TrimEvery == 10*time.Minute
			}, false},
		{"audit kept for ever", []string{"-audit-retention", "0"}, nil,
			func(c config) bool { return c.Audit.Retention == 0 }, false},
		{"negative retention", []string{"-audit-retention", "-1h"}, nil, nil, true},
		{"zero trim period", []string{"-audit-trim-every", "0s"}, nil, nil, true},
		{"auth defaults", nil, nil, func(c config) bool {
			return c.Auth.Mode == "on" && c.Auth.DataDir == "./gridwatch-data"
		}, false},
		{"auth env", nil, map[string]string{"GRIDWATCH_AUTH": "off", "GRIDWATCH_DATA_DIR": "/var/lib/gw"},
			func(c config) bool { return c.Auth.Mode == "off" && c.Auth.DataDir == "/var/lib/gw" }, false},
		{"bad auth", []string{"-auth", "maybe"}, nil, nil, true},
		{"no data dir", []string{"-data-dir", ""}, nil, nil, true},
		{"bad policy file", []string{"-dispatch-policy", writeTemp(t, `{"fanout": 99}`)}, nil, nil, true},
		{"limit defaults", nil, nil, func(c config) bool {
			l := c.API.Limits
			return l.Unary == limit.Rate{PerSecond: 10, Burst: 50} && l.Updates == limit.Rate{PerSecond: 5, Burst: 30} &&
				l.StreamsPerResponder == 4 && l.StreamsPerUser == 32 && c.API.MaxUpdateBytes == 1024 &&
				c.Server.MaxConcurrentStreams == 1000 && c.Server.MaxConnectionIdle == 15*time.Minute &&
				c.RedisTimeouts == redisstore.Timeouts{Dial: 2 * time.Second, Read: 3 * time.Second,
					Write: 3 * time.Second, Op: 5 * time.Second}
		}, false},
		{"limits from env and flags", []string{"-rate-unary", "off", "-redis-op-timeout", "2s"},
			map[string]string{"GRIDWATCH_RATE_UNARY": "1/s", "GRIDWATCH_RATE_BULK": "2/m,3",
				"GRIDWATCH_STREAMS_PER_USER": "0", "GRIDWATCH_MAX_CONCURRENT_STREAMS": "50"},
			func(c config) bool {
				l := c.API.Limits
				return l.Unary.Unlimited() && l.Bulk == limit.Rate{PerSecond: 2.0 / 60, Burst: 3} &&
					l.StreamsPerUser == 0 && c.Server.MaxConcurrentStreams == 50 && c.RedisTimeouts.Op == 2*time.Second
			}, false},
		{"caller limits off", []string{"-caller-limits=false"}, nil,
			func(c config) bool {
				l := c.API.Limits
				return l.Unary.Unlimited() && l.Bulk.Unlimited() && l.StreamOpens.Unlimited() && l.Updates.Unlimited() &&
					l.StreamsPerResponder == 0 && l.StreamsPerUser == 0 && c.API.MaxUpdateBytes == 1024
			}, false},
		{"bad rate", []string{"-rate-updates", "fast"}, nil, nil, true},
		{"negative stream cap", []string{"-streams-per-responder", "-1"}, nil, nil, true},
		{"zero streams per connection", []string{"-max-concurrent-streams", "0"}, nil, nil, true},
		{"zero keepalive", []string{"-keepalive-min-time", "0s"}, nil, nil, true},
		{"zero redis timeout", []string{"-redis-op-timeout", "0s"}, nil, nil, true},
		{"redis op timeout within the bus's block", []string{"-redis-op-timeout", "500ms"}, nil, nil, true},
		{"import over the message cap", []string{"-max-import-bytes", "100000000"}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if (err != nil) != tt.wantErr {
				t.Fatalf("err: got %v, want error %v", err, tt.wantErr)
			}
			if tt.want != nil && !tt.want(got) {
				t.Errorf("config: got %+v", got)
			}
		})
	}
}

// writeTemp writes data to a file in t's temporary directory and returns
// its path.
func writeTemp(t *testing.T, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseConfigTLS(t *testing.T) {
	ca := tlstest.NewCA(t, "CA")
	pair, other := ca.Server(t, "a"), ca.Server(t, "b")
	cert, key := []string{"-tls-cert", pair.CertFile}, []string{"-tls-key", pair.KeyFile}
	withCert := func(more ...string) []string { return append(append(append([]string{}, cert...), key...), more...) }
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    server.TLSConfig // compared when wantErr is ""
		wantErr string           // in the error
	}{
		{"plain text", nil, nil, server.TLSConfig{}, ""},
		{"tls", withCert(), nil, server.TLSConfig{CertFile: pair.CertFile, KeyFile: pair.KeyFile}, ""},
		{"mutual from the environment", nil, map[string]string{"GRIDWATCH_TLS_CERT": pair.CertFile,
			"GRIDWATCH_TLS_KEY": pair.KeyFile, "GRIDWATCH_TLS_CLIENT_CA": ca.File},
			server.TLSConfig{CertFile: pair.CertFile, KeyFile: pair.KeyFile, ClientCAFile: ca.File, ClientAuth: server.ClientAuthRequire}, ""},
		{"optional", withCert("-tls-client-ca", ca.File, "-tls-client-auth", "optional"), nil,
			server.TLSConfig{CertFile: pair.CertFile, KeyFile: pair.KeyFile, ClientCAFile: ca.File, ClientAuth: server.ClientAuthOptional}, ""},
		{"missing certificate", []string{"-tls-cert", "/nonexistent/cert.pem", "-tls-key", pair.KeyFile}, nil, server.TLSConfig{}, "-tls-cert /nonexistent/cert.pem"},
		{"certificate without key", cert, nil, server.TLSConfig{}, "-tls-key"},
		{"key of another certificate", []string{"-tls-cert", pair.CertFile, "-tls-key", other.KeyFile}, nil, server.TLSConfig{}, "-tls-key " + other.KeyFile},
		{"bad client CA", withCert("-tls-client-ca", pair.KeyFile), nil, server.TLSConfig{}, "-tls-client-ca " + pair.KeyFile},
		{"require without client CA", withCert("-tls-client-auth", "require"), nil, server.TLSConfig{}, "-tls-client-ca"},
		{"client CA with auth off", withCert("-tls-client-ca", ca.File, "-tls-client-auth", "off"), nil, server.TLSConfig{}, "drop one"},
		{"unknown auth", withCert("-tls-client-auth", "maybe"), nil, server.TLSConfig{}, "-tls-client-auth"},
		{"key without certificate", key, nil, server.TLSConfig{}, "need -tls-cert"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			case tt.wantErr == "" && got.Server.TLS != tt.want:
				t.Errorf("TLS config %+v, want %+v", got.Server.TLS, tt.want)
			}
		})
	}
}
