package redis_test

import (
	"testing"

	"github.com/gridwatch/gridwatch/grid"
	"github.com/gridwatch/gridwatch/grid/gridtest"
	"github.com/gridwatch/gridwatch/internal/redistest"
	"github.com/gridwatch/gridwatch/store/redis"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// newStore returns a Store on the test server under a prefix of its own.
func newStore(t testing.TB) *redis.Store {
	return redis.New(redis.Options{Client: redistest.New(t), Prefix: redistest.Prefix(t)})
}

func TestConformance(t *testing.T) {
	gridtest.RunStoreTests(t, func(t *testing.T) grid.Store { return newStore(t) })
}

// TestConformanceCluster runs the suite on a Redis Cluster, whose slot
// rules a standalone server does not enforce.
func TestConformanceCluster(t *testing.T) {
	gridtest.RunStoreTests(t, func(t *testing.T) grid.Store {
		return redis.New(redis.Options{Client: redistest.NewCluster(t), Prefix: redistest.Prefix(t)})
	})
}

// TestNewPanics: every constructor refuses a nil client and a prefix that
// would break the cluster hash tags.
func TestNewPanics(t *testing.T) {
	constructors := map[string]func(redis.Options){
		"New":         func(o redis.Options) { redis.New(o) },
		"NewPresence": func(o redis.Options) { redis.NewPresence(o) },
		"NewDispatch": func(o redis.Options) { redis.NewDispatch(o) },
		"NewEvents":   func(o redis.Options) { redis.NewEvents(o, redis.EventsConfig{}, nil) },
	}
	tests := []struct {
		name string
		opts func(t *testing.T) redis.Options
	}{
		{"nil client", func(*testing.T) redis.Options { return redis.Options{Prefix: "x:"} }},
		{"brace in prefix", func(t *testing.T) redis.Options {
			return redis.Options{Client: redistest.New(t), Prefix: "x{y}:"}
		}},
	}
	for cname, construct := range constructors {
		for _, tt := range tests {
			t.Run(cname+"/"+tt.name, func(t *testing.T) {
				opts := tt.opts(t)
				defer func() {
					if recover() == nil {
						t.Errorf("%s(%+v) did not panic", cname, opts)
					}
				}()
				construct(opts)
			})
		}
	}
}
