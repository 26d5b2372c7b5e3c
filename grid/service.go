package grid

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
)

// Config holds the limits of the grid service. Zero fields take defaults.
type Config struct {
	// DefaultResolution is the H3 resolution of an import that names none.
	DefaultResolution int // default 9
	// MaxGridAreaKm2 caps one grid's area (Shenyang's largest district is
	// about 3,300 km²).
	MaxGridAreaKm2 float64 // default 5000
	// MaxCellsPerImport caps the cells one import may cover.
	MaxCellsPerImport int // default 2,000,000
	// MaxFeatures caps the features of one import.
	MaxFeatures int // default 100,000
	// Workers is how many polygons are covered at once.
	Workers int // default GOMAXPROCS
}

// Resolution bounds for grids.
const (
	MinResolution = 7
	MaxResolution = 10
)

func (c Config) withDefaults() Config {
	if c.DefaultResolution == 0 {
		c.DefaultResolution = 9
	}
	if c.MaxGridAreaKm2 == 0 {
		c.MaxGridAreaKm2 = 5000
	}
	if c.MaxCellsPerImport == 0 {
		c.MaxCellsPerImport = 2_000_000
	}
	if c.MaxFeatures == 0 {
		c.MaxFeatures = 100_000
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	return c
}

// Validate reports a configuration the service cannot run with.
func (c Config) Validate() error {
	c = c.withDefaults()
	if c.DefaultResolution < MinResolution || c.DefaultResolution > MaxResolution {
		return fmt.Errorf("grid: default resolution %d outside %d..%d", c.DefaultResolution, MinResolution, MaxResolution)
	}
	if c.MaxGridAreaKm2 < 0 || c.MaxCellsPerImport < 0 || c.MaxFeatures < 0 {
		return fmt.Errorf("grid: negative limit in %+v", c)
	}
	return nil
}

// Service is the grid domain: imports, lookups and reports over a Store.
type Service struct {
	store Store
	cfg   Config
	log   *slog.Logger
}

// NewService returns a Service over st.
func NewService(st Store, cfg Config, log *slog.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Service{store: st, cfg: cfg.withDefaults(), log: log}, nil
}

// Config returns the effective configuration.
func (s *Service) Config() Config { return s.cfg }

// Ping reports whether the engine answers.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }
