package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// maxNameLen bounds the part of a prefix taken from the test's name.
const maxNameLen = 40

// Prefix returns a key prefix unique to this call, such as
// "test:TestPut_units:5f0c2a9e31b7:". It holds no glob or hash-tag
// characters, so it is safe in SCAN patterns and before Cluster hash tags.
// On a REDIS_URL server the prefix's keys are deleted when t ends.
func Prefix(t testing.TB) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("redistest: random prefix: %v", err)
	}
	p := "test:" + sanitize(t.Name()) + ":" + hex.EncodeToString(b[:]) + ":"
	if url := os.Getenv(EnvURL); url != "" {
		t.Cleanup(func() { deletePrefix(t, url, p) })
	}
	return p
}

// sanitize keeps letters, digits and -_. of a test name, replacing the rest.
func sanitize(name string) string {
	if len(name) > maxNameLen {
		name = name[:maxNameLen]
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
}

// deletePrefix removes every key under p from the server at url.
func deletePrefix(t testing.TB, url, p string) {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Errorf("redistest: %s: %v", EnvURL, err)
		return
	}
	c := goredis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, p+"*", 1000).Iterator()
	var batch []string
	for err == nil && iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == 1000 {
			err = c.Unlink(ctx, batch...).Err()
			batch = batch[:0]
		}
	}
	if len(batch) > 0 && err == nil {
		err = c.Unlink(ctx, batch...).Err()
	}
	if err == nil {
		err = iter.Err()
	}
	if err != nil {
		t.Errorf("redistest: delete keys %s*: %v", p, err)
	}
}
