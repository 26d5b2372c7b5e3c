package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gridwatch/gridwatch/audit"
)

// defaultAuditRetention is how long audit records are kept: 400 days.
// The Cybersecurity Law (art. 21) and the graded protection scheme
// (MLPS 2.0) ask for at least six months of logs; a year and a month
// covers a full annual review, begun after the year closes, of who did
// what and who looked at whose position. See docs/SECURITY.md.
const defaultAuditRetention = 400 * 24 * time.Hour

// auditConfig is what gridwatchd is told about the audit trail.
type auditConfig struct {
	Retention time.Duration // 0 keeps every record
	TrimEvery time.Duration // how often records past Retention are removed
}

// auditFlags defines the flags of the audit trail.
func auditFlags(fs *flag.FlagSet, c *auditConfig) {
	fs.DurationVar(&c.Retention, "audit-retention", defaultAuditRetention,
		"how long audit records are kept (0: for ever); see docs/SECURITY.md")
	fs.DurationVar(&c.TrimEvery, "audit-trim-every", time.Hour, "how often audit records older than -audit-retention are removed")
}

// check validates c.
func (c auditConfig) check() error {
	if c.Retention < 0 {
		return fmt.Errorf("-audit-retention %v: want >= 0 (0 keeps every record)", c.Retention)
	}
	if c.TrimEvery <= 0 {
		return fmt.Errorf("-audit-trim-every %v: want > 0", c.TrimEvery)
	}
	return nil
}

// startAuditTrim removes the records past the retention now and then
// every c.TrimEvery until ctx ends or the returned stop is called (which
// waits for it). A retention of 0 starts nothing.
func startAuditTrim(ctx context.Context, c auditConfig, rec *audit.Recorder, log *slog.Logger) (stop func()) {
	if c.Retention == 0 {
		log.Warn("-audit-retention 0: audit records are kept for ever")
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(c.TrimEvery)
		defer t.Stop()
		for {
			trimAudit(ctx, c, rec, log)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}

// trimAudit runs one trim; a failure is logged and the next one tries
// again.
func trimAudit(ctx context.Context, c auditConfig, rec *audit.Recorder, log *slog.Logger) {
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	n, err := rec.Trim(tctx, c.Retention)
	switch {
	case err != nil && !errors.Is(err, context.Canceled):
		log.Warn("audit trim failed", "err", err)
	case n > 0:
		log.Info("audit records past retention removed", "records", n, "retention", c.Retention.String())
	}
}
