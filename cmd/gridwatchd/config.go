package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/gridwatch/gridwatch/api"
	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/presence"
	"github.com/gridwatch/gridwatch/server"
	redisstore "github.com/gridwatch/gridwatch/store/redis"
)

// config is everything gridwatchd can be told.
type config struct {
	Listen   string
	Store    string // memory or redis
	RedisURL string
	LogLevel slog.Level
	Server   server.Config
	Grid     grid.Config
	API      api.Config
	Presence presence.Config
	Dispatch dispatchConfig
	Audit    auditConfig
	Auth     authConfig
	// RedisTimeouts bound every call to Redis (-redis-*-timeout).
	RedisTimeouts redisstore.Timeouts

	streamsOnConn *uint // -max-concurrent-streams, checked into Server
	callerLimits  bool  // -caller-limits: false clears API.Limits
}

// parseConfig reads flags, with GRIDWATCH_* variables from lookupEnv as
// defaults.
func parseConfig(args []string, lookupEnv func(string) (string, bool)) (config, error) {
	var c config
	fs := flag.NewFlagSet("gridwatchd", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	level := serverFlags(fs, &c)
	model := presenceFlags(fs, &c.Presence)
	dispatchFlags(fs, &c.Dispatch)
	clientAuth := tlsFlags(fs, &c.Server.TLS)
	auditFlags(fs, &c.Audit)
	authFlags(fs, &c.Auth)
	limitFlags(fs, &c)
	if err := applyEnv(fs, lookupEnv); err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("%w\n%s", err, usage(fs))
	}
	if err := c.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return c, fmt.Errorf("-log-level: %w", err)
	}
	if err := c.check(*clientAuth); err != nil {
		return c, err
	}
	return c, model.apply(&c.Presence)
}

// serverFlags adds the flags of the process, the engine, logging, the
// server's caps and grid imports; it returns the log level's.
func serverFlags(fs *flag.FlagSet, c *config) *string {
	fs.StringVar(&c.Listen, "listen", ":8080", "address to serve gRPC, HTTP/JSON, /healthz, /readyz and /metrics on")
	fs.StringVar(&c.Store, "store", "memory", "storage engine: memory (embedded) or redis")
	fs.StringVar(&c.RedisURL, "redis-url", "redis://127.0.0.1:6379/0", "Redis URL for -store redis")
	level := fs.String("log-level", "info", "log level: debug, info, warn or error")
	fs.DurationVar(&c.Server.SlowCall, "log-slow-calls", time.Second,
		"a unary call taking this long or longer is logged at warn; faster successful ones only at debug")
	fs.DurationVar(&c.Server.MaxDeadline, "max-deadline", 30*time.Second, "server-side cap on a call's deadline")
	fs.DurationVar(&c.Server.ShutdownTimeout, "shutdown-timeout", 5*time.Second, "how long in-flight calls get at shutdown")
	fs.IntVar(&c.Server.MaxRecvMsgBytes, "max-message-bytes", 64<<20, "largest gRPC message or HTTP body accepted")
	fs.IntVar(&c.API.MaxImportBytes, "max-import-bytes", 48<<20, "largest file an import accepts")
	fs.IntVar(&c.Grid.DefaultResolution, "grid-resolution", 9, "H3 resolution of grid imports that name none (7 to 10)")
	fs.Float64Var(&c.Grid.MaxGridAreaKm2, "max-grid-area-km2", 5000, "largest area of one grid")
	fs.IntVar(&c.Grid.MaxCellsPerImport, "max-cells-per-import", 2_000_000, "most H3 cells one grid import may cover")
	return level
}

// check validates the parsed flags; clientAuth is -tls-client-auth's.
func (c *config) check(clientAuth string) error {
	if c.Store != "memory" && c.Store != "redis" {
		return fmt.Errorf("-store %q: want memory or redis", c.Store)
	}
	for _, check := range []func() error{
		c.Grid.Validate,
		c.Dispatch.check,
		func() error { return checkTLS(&c.Server.TLS, clientAuth) },
		c.Audit.check,
		c.Auth.check,
		c.checkLimits,
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// linearFlags are the flags of the travel-time model, presence.Linear.
type linearFlags struct {
	circuity                 float64
	walkKmh, bikeKmh, carKmh float64
}

// presenceFlags defines the flags of the presence service.
func presenceFlags(fs *flag.FlagSet, c *presence.Config) *linearFlags {
	var m linearFlags
	fs.DurationVar(&c.StaleAfter, "stale-after", 60*time.Second, "how long a responder without a position update is still offered work")
	fs.Float64Var(&m.circuity, "circuity", 1.3, "detour factor of streets over the straight line, for travel times")
	fs.Float64Var(&m.walkKmh, "speed-walk-kmh", 5, "walking speed for travel times")
	fs.Float64Var(&m.bikeKmh, "speed-bike-kmh", 15, "cycling speed for travel times")
	fs.Float64Var(&m.carKmh, "speed-car-kmh", 30, "driving speed for travel times")
	return &m
}

// apply sets the model of c and checks it and StaleAfter.
func (m *linearFlags) apply(c *presence.Config) error {
	for name, v := range map[string]float64{"circuity": m.circuity, "speed-walk-kmh": m.walkKmh,
		"speed-bike-kmh": m.bikeKmh, "speed-car-kmh": m.carKmh} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("-%s %v: want a finite number", name, v)
		}
	}
	lin := presence.DefaultLinear()
	lin.Circuity = m.circuity
	lin.SpeedKmh = map[grid.TravelMode]float64{grid.Walk: m.walkKmh, grid.Bike: m.bikeKmh, grid.Car: m.carKmh}
	if err := lin.Validate(); err != nil {
		return fmt.Errorf("travel-time model: %w", err)
	}
	if c.StaleAfter <= 0 {
		return fmt.Errorf("-stale-after %v: want > 0", c.StaleAfter)
	}
	c.Model = lin
	return nil
}

// applyEnv sets each flag from GRIDWATCH_<NAME> where that is set.
func applyEnv(fs *flag.FlagSet, lookupEnv func(string) (string, bool)) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := "GRIDWATCH_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := lookupEnv(name); ok && err == nil {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, e)
			}
		}
	})
	return err
}

func usage(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString("usage: gridwatchd [flags]\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	return b.String()
}
