// Package dispatch turns a reported incident into responders on scene:
// incidents as resources, a per-category dispatch policy over the 1-3-5
// minute circles, offers that responders accept or decline, a deadline on
// every offer, assignments, arrival measured against the circle's target,
// and a state machine with a timeline of who did what, when.
//
// # Incidents
//
// An Incident has a category, a severity (1 to 5), a WGS-84 position and
// its H3 cell (logs carry the cell, never coordinates), an address, a
// description, a source and, for a caller's phone number, only its keyed
// hash (HashCaller: HMAC-SHA256 under the server's key). CreateIncident is
// idempotent on its request id (AIP-155): a retry returns the incident the
// first call created. ListIncidents pages through incidents newest first
// (ties by id), optionally only those in some states or inside some H3
// cells; a Cursor (creation time, id) marks where the next page starts.
//
// # States
//
//	new → dispatching → assigned → on_scene → resolved → closed
//	                  ↖ (last holder withdraws)        ↗ (resolved before arrival)
//	any of new, dispatching, assigned, on_scene → cancelled
//
// The service makes the moves up to on_scene itself (the first accept,
// the first arrival); dispatchers resolve, close and cancel. Leaving the
// active states releases every responder and revokes every pending offer.
//
// # Offers
//
// The Policy turns an incident's category and severity into slots, each
// to be filled from one circle by some kinds of responder. An open slot is
// offered to the best candidate of its circle (FindResponders' ranking),
// skipping anyone already offered this incident; Policy.Fanout offers may
// be pending at once. An offer may be accepted strictly before its
// deadline (Policy.OfferTimeout, 20 s); at the deadline it lapses and the
// slot goes to the next candidate; a decline does so at once. When a
// circle runs out the slot widens to the next circle, and after the last
// it is exhausted; both are alert events for the console. Exactly one
// responder wins a slot, and a responder holds one assignment at a time
// (Busy in presence until released). A responder may withdraw: the slot is
// offered again. A dispatcher may assign by hand, picking from Candidates:
// each slot's circles ranked for its kinds, with who was offered already.
//
// # Arrival
//
// ObserveArrival takes each new position of a responder: within
// Policy.ArrivalRadiusM (50 m) of the incident, the responder is on scene,
// with the time to scene from the incident's creation and whether the
// target of the circle they were drawn from (1, 3 or 5 minutes) was met.
// A dispatcher can override the arrival time.
//
// # Time and concurrency
//
// The Service starts no goroutines: deadlines are enforced by Tick, which
// the server calls every second or so, on the injected clock. Every store
// call is one atomic step (store.go states the invariants), so concurrent
// accepts, declines and ticks on any number of servers are safe: the store
// decides races, never the service. Every stored event is also handed to
// the EventSink, which feeds the phones' and the console's streams; a sink
// that is also a ChangeSink gets each change's events in one call (the
// Redis event bus sends them to every server as one stream entry).
//
// The engines in store/memory and store/redis implement Store and pass
// dispatchtest's conformance suite. docs/DISPATCH.md documents the policy
// file.
package dispatch
