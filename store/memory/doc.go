// Package memory is gridwatch's embedded storage engine: everything in one
// process's memory, nothing to install, nothing kept across restarts. It is
// the default engine of gridwatchd and the reference the Redis engine is
// checked against by the conformance suites (grid/gridtest).
//
// One RWMutex guards each store, so every change is atomic and lookups run
// in parallel with each other. Dispatch (dispatch*.go) keeps incidents,
// offers and assignments the same way and passes dispatch/dispatchtest.
package memory
