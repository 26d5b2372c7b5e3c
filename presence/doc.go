// Package presence is the live picture of who is where: responders' shifts
// and status, their latest positions on H3 cells, the travel-time model, and
// the nearest-responder search across the 1-3-5 minute circles that every
// dispatch makes.
//
// No movement history is kept: a responder's record holds only the latest
// position, and it is dropped when the shift ends. The time a community
// officer spends inside their own grid is accumulated from consecutive
// updates as two counters per day, without a trail.
//
// # Shifts and staleness
//
// A responder starts a shift (Available), may turn Busy and back, and ends
// it. Positions are accepted only on shift; an update whose phone timestamp
// is older than the stored one is ignored, not an error. A responder with
// no update for Config.StaleAfter (60 s) is stale: not offered work until
// the next update.
//
// # The 1-3-5 minute circles
//
// Service.FindResponders ranks the available responders around a point by
// the Model's ETA. The circles are disjoint bands: with the default bounds
// of 60, 180 and 300 s, circle 1 holds eta ≤ 60 s, circle 2 holds
// 60 s < eta ≤ 180 s and circle 3 holds 180 s < eta ≤ 300 s, so each
// responder appears in at most one circle. Each circle is ordered by ETA,
// ties by responder id, and cut to the query's limit (default 10). The
// result equals a brute-force ranking of every responder; the engine's H3
// index and the Linear model's cheap distance bounds only skip responders
// that provably cannot rank.
//
// # Time in own grid
//
// For a community officer each accepted update adds the time since their
// previous one, capped at StaleAfter, to the day's time on shift, and to
// the time inside if the previous position was inside their home police
// grid. The whole interval counts on the day of the later update (in
// Config.Location); time before a shift's first update and after its last
// is not counted. Engines keep the counters for at least the last 31 days.
//
// Like package grid it declares the store it needs (store.go); the engines in
// store/memory and store/redis implement it and pass presencetest's
// conformance suite.
package presence
