package redistest

import (
	"context"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// startCluster starts a redis-server in cluster mode that owns every slot.
func startCluster() (*server, error) {
	s, err := startServer("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
		"--cluster-announce-ip", "127.0.0.1")
	if err != nil {
		return nil, err
	}
	if err := claimSlots(s.addr); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// claimSlots assigns all 16384 slots to the node at addr and waits until the
// cluster reports itself ok.
func claimSlots(addr string) error {
	c := goredis.NewClient(&goredis.Options{Addr: addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		return fmt.Errorf("redistest: cluster addslotsrange: %w", err)
	}
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err != nil {
			return fmt.Errorf("redistest: cluster info: %w", err)
		}
		if strings.Contains(info, "cluster_state:ok") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("redistest: cluster not ok after %v: %s", readyTimeout, info)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
