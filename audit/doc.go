// Package audit is gridwatch's audit trail: an append-only record of every
// state change made through the API and of every read of responders'
// precise positions, saying who (the principal's subject, role and token),
// what (the action), which objects (resource names), when (the store's
// clock) and from which cell (the resolution-7 H3 cell of the position
// concerned, never coordinates).
//
// The engines implement Store (store/memory in a slice, store/redis in a
// Redis stream); audittest is the conformance suite both run. A Recorder
// puts records in the right shape before they are stored (cells coarsened
// to resolution 7, strings and object lists capped), lists them for
// admins, and trims those older than the retention.
//
// The API records a mutation before it runs it: an append that fails
// fails the call with nothing done (ErrUnrecorded). It records a read of
// precise positions after computing the answer and before sending it: an
// append that fails withholds the answer. docs/SECURITY.md says what is
// recorded, and what deliberately is not.
package audit
