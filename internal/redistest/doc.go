// Package redistest gives tests a real Redis.
//
// New returns a client of the server named by the environment variable
// REDIS_URL (redis://host:port/db) when it is set; otherwise the package
// starts its own redis-server from PATH on a free port of 127.0.0.1, with
// persistence off. NewCluster does the same for a one-node Redis Cluster
// (REDIS_CLUSTER_ADDRS, comma-separated, when set), so that code can be
// tested against the cluster's slot rules without a cluster to hand.
//
// A package whose tests use Redis should run them through Main, so that one
// server serves the whole test binary and is killed when it ends:
//
//	func TestMain(m *testing.M) { redistest.Main(m) }
//
// Without Main each call starts and, on cleanup, kills its own server, which
// works but is slower.
//
// Tests share a server, so each one keys its data under its own Prefix; on a
// shared REDIS_URL server the prefix's keys are deleted when the test ends.
//
// NewPersistent starts a server of the test's own instead, with an
// append-only file fsynced on every write (appendfsync always) in a
// directory of the test, which the test can Kill (SIGKILL, as a crash) and
// Restart on the same port and directory, replaying the file: for tests of
// what survives a crash of Redis.
//
// If redis-server is not on PATH and no URL is set, the test fails (it is
// never skipped): run ./scripts/test, which installs it.
package redistest
