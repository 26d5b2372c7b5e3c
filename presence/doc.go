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
// Like package grid it declares the store it needs (store.go); the engines in
// store/memory and store/redis implement it and pass presencetest's
// conformance suite.
package presence
