// Package limit rations what callers may do, per caller key: Buckets is a
// token bucket per key (a rate with a burst), Counter caps how many of
// something (open streams) one key holds at once. It knows nothing of gRPC
// or of what a key names; package api keys callers by their authenticated
// subject or, failing that, their IP address.
//
// # Memory and contention
//
// Both spread their keys over 64 shards, each with its own mutex, chosen
// by a seeded hash of the key: one caller hammering its key serialises
// only the callers that share its shard, for the few tens of nanoseconds a
// bucket update takes.
//
// A bucket that has refilled to its burst is indistinguishable from a new
// one, so Buckets forgets it: each shard, when used, drops every such
// bucket at most once per sweep interval (the time to refill a whole
// burst, between one second and one minute). The keys held are thus the
// keys used within about the refill time, and never more than
// Options.MaxKeys; a key arriving at a full shard evicts an arbitrary one,
// which then starts again with a full bucket (lenient, never a wrongful
// refusal). Counter holds a key only while its count is above zero.
//
// # Time
//
// Buckets reads time from Options.Clock (time.Now by default), so that
// tests drive it with a fake clock. Tokens are float64 and refill
// continuously: at a rate of r per second a caller may make one call
// every 1/r seconds on average, and Burst calls at once after being idle.
//
// The limits are per process: several instances behind a load balancer
// each apply them, so a caller spread over n instances gets up to n times
// the rate.
package limit
