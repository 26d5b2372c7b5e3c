// Package grid is gridwatch's geography of responsibility: the unit
// hierarchy (city, district bureau, police station), the police and community
// grids mapped onto H3 cells, the fused point lookup with its "1+4+4"
// responsibility chain, watch posts, residential compounds and the responder
// roster.
//
// The package knows nothing of gRPC or Redis. It declares the store
// interfaces it needs (store.go); the engines in store/memory and store/redis
// implement them, and gridtest holds the conformance suite both must pass.
//
// All positions are stored in WGS-84. Callers convert from GCJ-02 or BD-09
// with package geo before anything reaches a store.
package grid
