package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gridwatch/gridwatch/dispatch"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
)

// dispatchConfig is what gridwatchd is told about dispatch.
type dispatchConfig struct {
	Tick       time.Duration   // how often the service's Tick runs
	PolicyFile string          // "" is dispatch.DefaultPolicy
	Policy     dispatch.Policy // loaded from PolicyFile by parseConfig
	CallerKey  string          // "" makes gridwatchd generate one
	// EventStreamLen caps the Redis event stream (approximately): how many
	// changes a server cut off from Redis can catch up on.
	EventStreamLen int64
}

// dispatchFlags defines the flags of the dispatch service.
func dispatchFlags(fs *flag.FlagSet, c *dispatchConfig) {
	fs.DurationVar(&c.Tick, "dispatch-tick", 500*time.Millisecond, "how often dispatch lapses overdue offers and staffs open slots")
	fs.StringVar(&c.PolicyFile, "dispatch-policy", "", "dispatch policy JSON file (see docs/DISPATCH.md); default built in")
	fs.StringVar(&c.CallerKey, "caller-key", "", fmt.Sprintf("secret (at least %d bytes) keying the hashes of callers' phone numbers; "+
		"prefer GRIDWATCH_CALLER_KEY to the flag; unset: a random key per start", dispatch.MinCallerKeyBytes))
	fs.Int64Var(&c.EventStreamLen, "event-stream-len", redisstore.DefaultEventsMaxLen, "with -store redis: about how many "+
		"dispatch changes the shared event stream keeps for servers catching up after losing Redis")
}

// check validates c and loads its policy file.
func (c *dispatchConfig) check() error {
	if c.Tick <= 0 {
		return fmt.Errorf("-dispatch-tick %v: want > 0", c.Tick)
	}
	if c.EventStreamLen <= 0 {
		return fmt.Errorf("-event-stream-len %d: want > 0", c.EventStreamLen)
	}
	if c.CallerKey != "" && len(c.CallerKey) < dispatch.MinCallerKeyBytes {
		return fmt.Errorf("-caller-key: want at least %d bytes, have %d", dispatch.MinCallerKeyBytes, len(c.CallerKey))
	}
	if c.PolicyFile == "" {
		c.Policy = dispatch.DefaultPolicy()
		return nil
	}
	f, err := os.Open(c.PolicyFile)
	if err != nil {
		return fmt.Errorf("-dispatch-policy: %w", err)
	}
	defer f.Close()
	if c.Policy, err = dispatch.LoadPolicy(f); err != nil {
		return fmt.Errorf("-dispatch-policy %s: %w", c.PolicyFile, err)
	}
	return nil
}
