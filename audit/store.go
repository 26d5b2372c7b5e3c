package audit

import (
	"context"
	"time"
)

// Store keeps the trail. Records are never changed or removed except by
// Trim. Implementations must be safe for concurrent use; audittest is
// their conformance suite.
type Store interface {
	// Append stores r and returns it with ID and At set from the store's
	// clock: each ID greater than every ID appended before it. It returns
	// only once r is stored as durably as the engine's other writes; an
	// error means r may not be stored (the caller treats it as not).
	Append(ctx context.Context, r Record) (Record, error)
	// List returns the records in q's range that pass its filters, newest
	// first, at most q.Limit of them. The caller has validated q.
	List(ctx context.Context, q Query) (Page, error)
	// Trim removes every record appended before the millisecond of
	// before, and returns how many it removed.
	Trim(ctx context.Context, before time.Time) (int64, error)
}
