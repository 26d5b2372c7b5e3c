// Package redis is the Redis engine of gridwatch: it implements grid.Store
// on a standalone Redis (or a Sentinel-managed one) and on Redis Cluster,
// through a go-redis UniversalClient.
//
// # Key layout
//
// Every key starts with Options.Prefix (which must not contain '{'). Keys
// indexed by H3 cell carry, as a Cluster hash tag, the hex ID of the cell's
// ShardCell (its resolution-3 ancestor): Cluster spreads a city's cells over
// a handful of slots, and all the keys one point's lookup reads share one.
//
//	<prefix>gw:{<shardhex>}:owners:<kind>   HASH  cellhex → grid ID
//	<prefix>gw:{units}                      HASH  unit ID → JSON
//	<prefix>gw:{grids:<kind>}               HASH  grid ID → JSON
//	<prefix>gw:{grids:<kind>}:cells:<id>    STRING the grid's cells, packed
//	                                               little-endian uint64s
//	<prefix>gw:{sites}:posts                HASH  post ID → JSON
//	<prefix>gw:{sites}:compounds            HASH  compound ID → JSON
//	<prefix>gw:{roster}                     HASH  responder ID → JSON
//
// <kind> is "police" or "community"; cellhex and shardhex are H3 IDs in
// lower-case hex without "0x". The JSON values are the private record types
// of records.go, each with a format version "v":1, kept apart from the domain
// types so that a change there cannot silently change what is stored. Enum
// values are stored by name and points as [lng, lat] pairs, as in GeoJSON.
//
// # Atomicity
//
// ApplyGridChange writes the grid records, their cell lists and the owner
// HSETs and HDELs (one command per owners key, chunked at 10,000 fields) in
// MULTI/EXEC transactions. On a standalone server it is one transaction, so
// the change is all or nothing. Redis Cluster runs no transaction across
// slots (go-redis v9 refuses one with ErrCrossSlot rather than splitting it),
// so on Cluster, and on any client other than *redis.Client, the change runs
// as one transaction per hash tag: first the grid records and cell lists,
// then the owners of each shard. Atomicity then holds per shard; a failure
// part-way leaves earlier shards changed, which re-applying the same change
// repairs. As always with MULTI/EXEC, Redis does not roll back a command that
// fails at run time inside EXEC; this layout gives none a reason to (no key
// is ever of two types).
//
// PutUnits, PutPosts, PutCompounds and PutResponders each write one hash in
// one transaction. UpdateGrid is a compare-and-set of one grid's record (a
// Lua script), retried if the record changed in between.
//
// # Round trips
//
// LocateCells reads both kinds' owners of one point in one pipeline of two
// HMGETs on keys of one slot: one round trip, on Cluster too. CellOwners
// pipelines one HMGET per shard (chunked at 10,000 fields).
package redis
