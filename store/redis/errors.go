package redis

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/gridwatch/gridwatch/grid"
	goredis "github.com/redis/go-redis/v9"
)

// fail wraps err with what the engine was doing; an error meaning Redis
// cannot answer now also matches grid.ErrUnavailable, which the API turns
// into UNAVAILABLE.
func fail(err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	if unavailable(err) {
		return fmt.Errorf("redis: %s: %w: %w", what, grid.ErrUnavailable, err)
	}
	return fmt.Errorf("redis: %s: %w", what, err)
}

// unavailable reports transport failures and the replies of a Redis that is
// starting, failing over or without a cluster quorum.
func unavailable(err error) bool {
	var ne net.Error
	switch {
	case err == nil:
		return false
	case errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, goredis.ErrPoolTimeout), errors.Is(err, goredis.ErrClosed):
		return true
	}
	var re goredis.Error
	if errors.As(err, &re) {
		for _, p := range []string{"LOADING", "CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "READONLY"} {
			if strings.HasPrefix(re.Error(), p) {
				return true
			}
		}
	}
	return false
}
