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
//
// # Deadlines
//
// No call of the engine waits on Redis without a bound, whatever context
// its caller passes. NewClient (what gridwatchd uses) builds the client
// with Timeouts: Dial (2 s) for opening a connection, Read and Write (3 s
// each) for every socket read and write, ContextTimeoutEnabled so that a
// context's deadline also cuts a read short, and a go-redis hook (Bound:
// the one place, not a context.WithTimeout per method) that runs every
// operation (one command, one pipeline or MULTI/EXEC transaction, one
// script run) under a context at most Op (5 s) from its start, including
// the wait for a pooled connection and go-redis's own retries. A store
// method made of several operations (a Move across shards: four scripts)
// may take up to that many bounds; the API's deadline cap (30 s by
// default) bounds the call as a whole. Bound may also be added to a client
// built elsewhere, once per client.
//
// An operation cut short by the bound fails with an *OpTimeoutError,
// which matches grid.ErrUnavailable (the API answers UNAVAILABLE: Redis is
// not answering, try again) but not context.DeadlineExceeded; one cut short
// by the caller's own, earlier deadline fails with the caller's context
// error (the API answers DEADLINE_EXCEEDED). A reply of Redis, even one
// arriving late, is never replaced. The connection of a timed-out
// operation is discarded, so a late reply cannot be read as another's.
//
// Op must exceed the longest single operation the engine sends, the
// largest being an import's transaction (a whole city's owner cells,
// chunked at 10,000 fields per command but sent as one MULTI/EXEC on a
// standalone server, which Read and Write already bound per socket call);
// raise Op (and Read) for very large imports or a slow link.
//
// Blocking commands: go-redis gives a blocking read (XREAD BLOCK, BLPOP)
// its block time plus 10 s as read timeout, so Read does not cut it, but
// the Op bound does. A streaming subscriber (an event bus reading with
// XREAD BLOCK) on a bounded client must therefore block for less than Op,
// with a round trip's margin: BLOCK ≤ Op/2 (2 s with the default 5 s) is
// safe, and the subscriber loops. A subscriber that must block longer
// needs a client of its own without Bound (its reads still end at block
// time + 10 s).
//
// # Presence
//
// Presence (NewPresence) implements presence.Store on the same kinds of
// client. Its keys, where <shard> is the ShardCell of a responder's
// position (of its cell at presence.IndexResolution), as for owners:
//
//	<prefix>gw:{<shard>}:pres:recs        HASH  responder ID → record, or "t <ver>"
//	                                            (the tombstone of one that left)
//	<prefix>gw:{<shard>}:pres:geo:<mode>  GEO   the available responders of a mode;
//	                                            member "<kind> <seen> <lat> <lng> <cellhex> <id>"
//	<prefix>gw:{pres:<id>}                HASH  the directory: at → "" (no fix yet) or
//	                                            <shard>; rec → the record while at is "";
//	                                            ver → the newest version it points at
//	<prefix>gw:{pres:<id>}:own:<day>      HASH  on, in → ns on shift and inside own grid
//
// <mode> is walk, bike, car or none. A record is one string of fields
// (presence_record.go): enums by name, floats in Go's shortest exact
// spelling, times as seconds.nanoseconds, so that records and candidates
// read back bit for bit; GEO coordinates, quantised, are only searched by,
// never returned. A GEO member repeats what Nearby returns, so a search
// reads nothing else. Every script (lua/, embedded, run with EVALSHA and
// EVAL when a server lacks it) declares every key it touches, all in one
// slot: the home's record hash and GEO sets, and the day's counters when
// they share it (the directory, or a standalone server, which has no
// slots). The counters live in the responder's slot so that they outlive
// the shift and any move between shards; they expire OwnGridRetention after
// their last update. The directory keeps "ver" after a shift ends, and a
// shard keeps a tombstone per responder that left it: a short field each.
// Positions beyond ±85.05° latitude, which GEO sets cannot hold, are
// stored but never found.
//
// Each record has a version, bumped by every change; each shift starts a
// new epoch (version = epoch·2³² + changes), so versions only ever grow.
//
// StartShift, SetStatus and EndShift are one script at the record's home
// (EndShift then takes the shift off the directory). A Move within the
// shard is one script: it compares FixTime, updates the record and moves
// it between GEO sets, atomically, and adds to the own-grid counters on a
// standalone server; on Cluster it returns the interval, added in a second
// command after it (lost if that fails, never counted twice).
//
// A Move into another shard (the first fix, from the directory, or across a
// resolution-3 boundary) takes four scripts, each only after the previous
// one returned: (1) at the old home, apply the move, mark the record as
// moving to the new shard and take it out of the GEO sets; (2) put it in
// the new shard, live and indexed, unless that holds a version as new;
// (3) point the directory there unless it names a newer version; (4)
// replace the old copy by its tombstone. Whatever stops it between steps,
// the record stays readable (Get reads the marked copy; it is not
// searchable between 1 and 2), and the next operation that meets the
// marked copy finishes the move. The versions make every step idempotent
// and safe to run late or for a move a newer one overtook: the directory
// follows the newest version, and a tombstone keeps a stale copy from
// returning.
//
// Presence caches where each responder's record lives; a script that does
// not find it there sends the operation to the directory, read after the
// miss (a move points the directory at the new shard before it removes the
// old copy, so a directory naming the shard it missed at means the shift
// is over). Nothing else is kept: a restarted or failed-over Redis only
// costs a cache miss or a NOSCRIPT.
//
// Nearby pipelines one GEOSEARCH per travel mode for every shard its
// largest radius touches (usually one; presence_cover.go), with a margin
// for the quantisation, then filters by kind, freshness and exact distance:
// one round trip per node, no script. A Move is one round trip with the
// home cached (two on Cluster with own-grid time, one more with a cold
// cache); a move between shards takes four.
//
// # Dispatch
//
// Dispatch (NewDispatch) implements dispatch.Store on the same kinds of
// client. All its keys carry the one hash tag {dispatch}:
//
//	<prefix>gw:{dispatch}:inc:<id>     STRING the incident record (JSON, "v":1)
//	<prefix>gw:{dispatch}:requests     HASH   request id → incident id
//	<prefix>gw:{dispatch}:offers       HASH   offer id → incident id
//	<prefix>gw:{dispatch}:held         HASH   responder id → incident id of the
//	                                          responder's current assignment
//	<prefix>gw:{dispatch}:pending      ZSET   pending offer ids, scored by deadline
//	                                          (Unix ms)
//	<prefix>gw:{dispatch}:unstaffed    ZSET   active incidents with an open slot;
//	                                          member "<created, 20 digits>:<id>"
//	<prefix>gw:{dispatch}:list         ZSET   every incident, all at score 0; member
//	                                          "<newest first, 20 digits>:<id>\x00<cellhex>"
//	<prefix>gw:{dispatch}:events       STREAM the event bus (Events): one entry per
//	                                          change, field m (see "# Event bus")
//
// The responder index must be in the slot of the incident records it
// guards, so that "a responder holds at most one current assignment,
// across incidents" is checked and kept in the same script as the slot it
// fills. The whole dispatch state is therefore one Redis Cluster slot (one
// node's CPU and memory): ample for a city's incident rate. Sharding
// incidents by district, with a responder index per shard and a
// cross-shard check, is future work.
//
// An incident record (dispatch_record.go) keeps what never changes (caller
// hash, position, texts, kinds) as a JSON document inside a string, which
// the scripts pass through untouched, and the mutable part (states, slots,
// offers, assignments, timeline) as plain JSON with numeric codes that the
// scripts decode and encode with cjson. Times are Unix nanoseconds as
// decimal strings ("" for none), so they survive Lua's doubles; scripts
// compare them as strings and never call TIME: every time comes from the
// caller, so a fake clock works. Time to scene and target met are derived
// from the stored arrival and target when read.
//
// Every mutation is one script (lua/dispatch_<op>.lua, after the helpers
// of lua/dispatch_lib.lua), declaring the incident's record and the six
// index keys (plus the listing index, which only CreateIncident writes).
// A script checks every precondition before it writes; a
// failed one returns an error reply "DISPATCH_<CODE> detail", which the
// engine maps to dispatch.ErrNotFound, ErrConflict, ErrExpired, ErrBusy,
// ErrInvalidTransition or ErrInvalid, so a failed call changes nothing.
// Concurrent calls are serialised by Redis: of concurrent accepts of a
// slot exactly one finds it unfilled and the responder absent from held.
// Accept, Decline and Lapse first read the offer's incident from the
// offers hash (written once, with the offer, never changed), then run the
// script on that incident, which finds the offer in the record again.
// CreateIncident is one script (the request id and the incident id
// checked and written together); a retry returns the incident read after
// it. Transition decides whether the move is allowed in Go
// (dispatch.CanTransition) and the script checks the state first, so a
// stale from is ErrConflict before ErrInvalidTransition, as in memory.
//
// The reads are not scripts: Incident is a GET; AssignmentOf reads held,
// then the record; PendingOffers reads the deadline index up to the
// millisecond, the offers' incidents (HMGET, MGET: one slot), and filters
// by the exact deadline; Unstaffed reads its index. After a restart of the
// service, PendingOffers and Unstaffed find the deadlines and open slots
// the Tick must handle; nothing is cached in the process.
//
// ListIncidents walks the listing index, which the create script writes
// with the record. Its members share one score, so ZRANGEBYLEX orders them
// by their bytes: the creation time's Unix nanoseconds, offset-binary and
// complemented (newest first), zero-padded to 20 digits, then the id
// (ties by id, byte by byte, as dispatch.Cursor.Compare). A page token's
// cursor (creation time, id) becomes the lower bound
// "[<time, 20 digits>:<id>\x01", above the cursor's own member and below
// those of larger ids: the NUL after each id sorts it before any longer id
// it prefixes (CreateIncident refuses an id with a NUL), so paging is
// exact with ties on the creation time. The cell in the member lets a cell filter skip records
// unread; the records left are read in one MGET per batch (one slot), and
// their state filtered on. One call reads at most listScanLimit (2,000)
// index entries: a filter that rejects that many returns a short, even
// empty, page with a cursor to go on from (AIP-158 allows it); an
// unfiltered page is two round trips. Incidents stored before the index
// existed are not in it and are not listed.
//
// # Event bus
//
// Events (NewEvents) carries dispatch events between servers sharing one
// Redis. PublishChange appends one stream entry per change, with no
// batching delay: XADD MAXLEN ~ EventsConfig.MaxLen, one round trip, given
// up (and logged) after PublishTimeout. Each server's Run tails the stream
// with XREAD BLOCK from the last id it read and hands the events to its
// local sink, its own included, so every server sees one order. A Stream
// rather than pub/sub: a reader cut off for a moment resumes from its last
// id and catches up, where pub/sub would silently drop what was published
// meanwhile. Entries the cap trimmed before a reader got to them are lost
// to it; Run logs the gap when it finds the entry it read last trimmed.
//
// Field m of an entry is JSON {"v":1, "inc": ..., "evs": [...]}: the whole
// incident after the change in the record format above (timeline, offers
// and assignments too; an arrived assignment's target is its time to scene
// when met, else -1, which reads back as the same TargetMet) and the
// change's events as timeline records with their "seq".
//
// The stream carries the {dispatch} tag, in the slot of the incident
// records, rather than one of its own. Its own slot would move its memory
// and the servers' blocking reads off the node that already holds all of
// dispatch; but the shared slot lets the mutation scripts append the entry
// themselves later, atomically with the change, which would make the
// stream follow every timeline's order exactly and close the window where
// a server stops between storing a change and publishing it. The load it
// adds is small: one XADD per change (the rate the scripts already run
// at), one blocked XREAD per server, and MaxLen entries of a few KB.
//
// The bus's client should not retry commands: a retried XADD whose reply
// was lost would append the entry twice. gridwatchd gives it a client of
// its own with MaxRetries -1 and ContextTimeoutEnabled.
//
// # Audit trail
//
// Audit (NewAudit) implements audit.Store on one stream in its own slot:
//
//	<prefix>gw:{audit}                 STREAM the audit trail, oldest first
//
// Append is one XADD with the ID "*": Redis assigns it from its own clock
// (one clock for every gridwatchd sharing the server; IDs only grow), and
// the record's time is the ID's millisecond. An entry's fields are "v"
// (the format version, "1"), "act" (the action), "role" (by name), and
// when set "actor", "tok" (the token id), "obj" (the objects, a JSON array
// of strings), "omit" (objects left out), "cell" (the resolution-7 cell,
// hex), "out" (the outcome) and "ref" (the attempt's ID). An entry of an
// unknown version fails the listing rather than being misread. A retried
// XADD whose first reply was lost can store a record twice: the trail may
// hold a duplicate, never a gap.
//
// List reads back from its upper bound (the page token, or the end of the
// time range, exclusive: "(<id>") to its lower bound with XREVRANGE and
// applies the actor, action and object filters in Go: unfiltered, one
// XREVRANGE of the page size plus one; filtered, batches of 500, at most
// 10,000 entries a call, after which it returns a short page with a
// cursor to go on from. Trim is XTRIM MINID (exact), run by gridwatchd
// for the -audit-retention; nothing else ever removes an entry.
package redis
