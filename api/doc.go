// Package api serves gridwatch's public API, gridwatch.v1 (proto/, generated
// into gen/), over packages grid and presence: GridService (units, police
// and community grids, the point lookup), RosterService (watch posts,
// residential compounds, the responder roster), PresenceService (shifts,
// position reports, the nearest responders in the 1-3-5 minute circles,
// time in own grid), DispatchService (incidents, offers, assignments) and
// AuditService (the audit trail, for admins).
//
// Every handler has the same shape, after etcd's v3rpc: a check…Request
// function validates the request and turns it into the domain's input (names
// parsed, enums defined, coordinates finite and in range, sizes capped), the
// domain method runs, and convert.go turns its result back into messages.
// Every error leaves through toStatus, one table from the domain's sentinel
// errors to gRPC codes; bad input carries an errdetails.BadRequest naming the
// field, and the text of an internal error never reaches the client.
//
// # Resource names
//
// Resources are named as in AIP-122: "policeGrids/{grid}",
// "communityGrids/{grid}", "units/{unit}", "watchPosts/{watch_post}",
// "compounds/{compound}" and "responders/{responder}". An id is what
// grid.CheckID accepts: 1 to 128 bytes of printable characters, with no
// '/' and no space.
//
// # Paging
//
// List methods page by id (AIP-158): page_size 0 means 100 and is capped at
// 1000; next_page_token is the opaque, URL-safe encoding of the last id
// returned and of the request's filter, so a token is only good for the
// collection and filter it came from. ListIncidents pages by position
// instead (newest first, ties by id): page_size 0 means 50 and is capped
// at 500, and its token wraps the domain's cursor (creation time and id)
// with a digest of the states and cells filtered on.
//
// # Authentication, roles and privacy
//
// Interceptors authenticate every call before its handler runs
// (Config.Auth): with TokenAuth, a call carries "authorization: Bearer
// <token>" metadata (over HTTP, the Authorization header), an access token
// of package auth, and the caller's auth.Principal goes on the context; a
// call without a valid token is UNAUTHENTICATED. Health checks and
// reflection need no token (publicServices). With AuthOff, for local
// experiments, the caller is whoever the x-gridwatch-role (an admin when
// absent), -subject, -units and -grids metadata say. The zero
// Authentication refuses every call.
//
// Then they authorise it: the authorizer (authz.go) checks the method's
// rule in one table (authz_rules.go), by role and by object in the
// caller's scope (units, grids, their own responder), and denies a method
// without a rule; lists and watches keep what the caller's scope holds
// (scopeFrom). docs/SECURITY.md has the table. FindResponders and
// ListCandidates give precise positions and resolution-8 cells to
// dispatchers only, resolution-7 cells to everyone else. docs/PRIVACY.md
// says what is kept and who sees it.
//
// # Audit trail
//
// With Config.Audit set, the last of the Interceptors records the audit
// trail as auditRules says, per RPC: an attempt record before every state
// change (the call fails UNAVAILABLE, the handler unrun, if it cannot be
// written) and a best-effort outcome record after it; a record of the
// responders whose precise positions a dispatcher's FindResponders or
// ListCandidates disclosed, written before the answer is sent. Position
// reports are exempt. docs/SECURITY.md has the details.
//
// # Position reports
//
// ReportLocations is one bidirectional stream per phone: a receiver reads
// requests ahead, the handler applies whatever has arrived in one batch and
// acknowledges the batch in one response, so that acks cost one Send per
// batch under load and nothing extra when idle. A bad update is
// acknowledged REJECTED and the stream goes on; a store failure ends it.
// BatchReportLocations is the same for up to 10,000 reports in one call.
//
// # Limits
//
// Interceptors runs, after authentication, the per-caller limits and then
// the size caps; both live here rather than in package server because
// they need the caller's principal and the API's methods and messages
// (methodRules, one table checked against the service descriptors).
// Callers are keyed by their principal's subject, or by their IP address
// (an IPv6 address by its /64) when there is none (authentication off;
// through the HTTP gateway, the HTTP client's address). Each caller has a
// token bucket (package limit) per class: unary calls, bulk calls (the
// imports and BatchReportLocations, one token per call), stream opens, and
// the location updates of its ReportLocations streams, one token per
// message; health checks and reflection are exempt. A caller over a limit
// gets RESOURCE_EXHAUSTED with a google.rpc.RetryInfo saying when a token
// will be there (the gateway: HTTP 429 and Retry-After); on a
// ReportLocations stream the update over the limit ends the stream, after
// the earlier updates were applied and acknowledged. A caller also holds
// at most Limits.StreamsPerResponder open streams (volunteers, officers,
// callers without a role) or StreamsPerUser (station chiefs, dispatchers,
// admins); one more is RESOURCE_EXHAUSTED at once. Other callers are
// unaffected: the buckets are sharded, and a refusal costs the refused
// caller's call only. The zero Limits limits nothing; gridwatchd's flags
// set production defaults. The limits are per process.
//
// Every received message is checked against its method's cap, on its
// protobuf size: a location update (each ReportLocations message, each
// BatchReportLocations report) at most Config.MaxUpdateBytes (1 KiB), an
// import Config.MaxImportBytes plus 64 KiB for its other fields, any other
// request Config.MaxRequestBytes (64 KiB). Over the cap is
// INVALID_ARGUMENT naming the limit (and the report, "reports[i]"); on a
// stream it ends the stream. The server's receive limit bounds what is
// decoded at all.
//
// # HTTP
//
// RegisterGateway adds the HTTP/JSON bindings of
// proto/gridwatch/v1/gridwatch_http.yaml to a grpc-gateway mux; the OpenAPI
// document is gen/openapiv2/gridwatch.swagger.json.
package api
