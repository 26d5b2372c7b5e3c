package main

import (
	"testing"
	"time"
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
