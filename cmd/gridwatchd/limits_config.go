package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/gridwatch/gridwatch/api"
	"github.com/gridwatch/gridwatch/limit"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
)

// Production defaults of the per-caller limits (docs/SECURITY.md,
// "Limits"): a phone sends about one update a second and holds a
// ReportLocations and a WatchOffers stream; a console makes a few calls a
// second and watches incidents; imports are rare.
const (
	defaultRateUnary        = "10/s,50"
	defaultRateBulk         = "6/m,10"
	defaultRateStreamOpens  = "1/s,10"
	defaultRateUpdates      = "5/s,30"
	defaultStreamsPerResp   = 4
	defaultStreamsPerUser   = 32
	defaultMaxConnIdle      = 15 * time.Minute
	defaultMaxConnAge       = 0 // off: set it behind a balancer
	defaultMaxConnAgeGrace  = 0
	defaultMaxRequestBytes  = api.DefaultMaxRequestBytes
	defaultMaxUpdateBytes   = api.DefaultMaxUpdateBytes
	defaultMaxStreamsOnConn = 1000
)

// rateFlag is a flag.Value of a limit.Rate, spelt as limit.ParseRate
// reads it.
type rateFlag struct{ r *limit.Rate }

func (f rateFlag) String() string {
	if f.r == nil {
		return ""
	}
	return f.r.String()
}

func (f rateFlag) Set(s string) error {
	r, err := limit.ParseRate(s)
	if err != nil {
		return err
	}
	*f.r = r
	return nil
}

// rate defines a rate flag with its default.
func rate(fs *flag.FlagSet, r *limit.Rate, name, def, usage string) {
	*r, _ = limit.ParseRate(def) // the defaults above parse
	fs.Var(rateFlag{r}, name, usage+` ("<n>/<s|m|h>[,<burst>]" or off)`)
}

// limitFlags defines the flags of the per-caller limits, the size caps,
// the connection limits and the Redis timeouts.
func limitFlags(fs *flag.FlagSet, c *config) {
	l := &c.API.Limits
	rate(fs, &l.Unary, "rate-unary", defaultRateUnary, "per caller: unary calls other than imports")
	rate(fs, &l.Bulk, "rate-bulk", defaultRateBulk, "per caller: imports and BatchReportLocations calls")
	rate(fs, &l.StreamOpens, "rate-stream-opens", defaultRateStreamOpens, "per caller: streams opened")
	rate(fs, &l.Updates, "rate-updates", defaultRateUpdates, "per caller: location updates on ReportLocations streams")
	fs.IntVar(&l.StreamsPerResponder, "streams-per-responder", defaultStreamsPerResp,
		"open streams per volunteer or officer (or caller without a role); 0: no cap")
	fs.IntVar(&l.StreamsPerUser, "streams-per-user", defaultStreamsPerUser,
		"open streams per station chief, dispatcher or admin; 0: no cap")
	fs.BoolVar(&c.callerLimits, "caller-limits", true, "apply the per-caller rate limits and stream caps "+
		"(false: none, e.g. for the load tools)")
	fs.IntVar(&c.API.MaxRequestBytes, "max-request-bytes", defaultMaxRequestBytes, "largest request other than an import or a location update")
	fs.IntVar(&c.API.MaxUpdateBytes, "max-update-bytes", defaultMaxUpdateBytes, "largest location update (a ReportLocations message, a batch report)")

	s := &c.Server
	var streams uint
	fs.UintVar(&streams, "max-concurrent-streams", defaultMaxStreamsOnConn, "calls open at once on one gRPC connection")
	c.streamsOnConn = &streams
	fs.DurationVar(&s.KeepaliveMinTime, "keepalive-min-time", 10*time.Second, "a client pinging more often is disconnected (too_many_pings)")
	fs.DurationVar(&s.KeepaliveTime, "keepalive-time", 30*time.Second, "the server pings a connection silent for this long")
	fs.DurationVar(&s.KeepaliveTimeout, "keepalive-timeout", 10*time.Second, "and closes it if the ping is not answered within this")
	fs.DurationVar(&s.MaxConnectionIdle, "max-connection-idle", defaultMaxConnIdle, "close connections without calls for this long; 0: never")
	fs.DurationVar(&s.MaxConnectionAge, "max-connection-age", defaultMaxConnAge, "recycle connections this old (behind a balancer); 0: never")
	fs.DurationVar(&s.MaxConnectionAgeGrace, "max-connection-age-grace", defaultMaxConnAgeGrace,
		"time a recycled connection's calls get to finish; 0: as long as they take")

	r := &c.RedisTimeouts
	fs.DurationVar(&r.Dial, "redis-dial-timeout", redisstore.DefaultDialTimeout, "bound on opening a Redis connection")
	fs.DurationVar(&r.Read, "redis-read-timeout", redisstore.DefaultReadTimeout, "bound on each read from Redis")
	fs.DurationVar(&r.Write, "redis-write-timeout", redisstore.DefaultWriteTimeout, "bound on each write to Redis")
	fs.DurationVar(&r.Op, "redis-op-timeout", redisstore.DefaultOpTimeout,
		"bound on each Redis operation (command, pipeline, script), retries included")
}

// checkLimits validates what limitFlags read.
func (c *config) checkLimits() error {
	if err := c.API.Limits.Validate(); err != nil {
		return err
	}
	if !c.callerLimits {
		c.API.Limits = api.Limits{}
	}
	if c.API.MaxRequestBytes <= 0 || c.API.MaxUpdateBytes <= 0 {
		return fmt.Errorf("-max-request-bytes and -max-update-bytes: want > 0")
	}
	if m := c.Server.MaxRecvMsgBytes; m < c.API.MaxImportBytes || m < c.API.MaxRequestBytes {
		return fmt.Errorf("-max-message-bytes %d: want at least -max-import-bytes and -max-request-bytes", m)
	}
	if *c.streamsOnConn == 0 || *c.streamsOnConn > 1<<31 {
		return fmt.Errorf("-max-concurrent-streams %d: want 1 to 2³¹", *c.streamsOnConn)
	}
	c.Server.MaxConcurrentStreams = uint32(*c.streamsOnConn)
	for name, d := range map[string]time.Duration{"keepalive-min-time": c.Server.KeepaliveMinTime,
		"keepalive-time": c.Server.KeepaliveTime, "keepalive-timeout": c.Server.KeepaliveTimeout} {
		if d <= 0 {
			return fmt.Errorf("-%s %v: want > 0", name, d)
		}
	}
	if c.Server.MaxConnectionIdle < 0 || c.Server.MaxConnectionAge < 0 || c.Server.MaxConnectionAgeGrace < 0 {
		return fmt.Errorf("-max-connection-idle, -max-connection-age and -max-connection-age-grace: want ≥ 0")
	}
	if r := c.RedisTimeouts; r.Dial <= 0 || r.Read <= 0 || r.Write <= 0 || r.Op <= 0 {
		return fmt.Errorf("-redis-{dial,read,write,op}-timeout: want > 0")
	}
	if op := c.RedisTimeouts.Op; op <= redisstore.DefaultEventsBlock {
		return fmt.Errorf("-redis-op-timeout %v: want more than the event bus's XREAD BLOCK of %v", op, redisstore.DefaultEventsBlock)
	}
	return nil
}
