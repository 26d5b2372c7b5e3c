// Package api serves gridwatch's public API, gridwatch.v1 (proto/, generated
// into gen/), over packages grid and presence: GridService (units, police
// and community grids, the point lookup), RosterService (watch posts,
// residential compounds, the responder roster) and PresenceService (shifts,
// position reports, the nearest responders in the 1-3-5 minute circles,
// time in own grid).
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
// # Roles and privacy
//
// Interceptors authenticate every call (the interim headerAuth reads the
// principal the caller asserts in x-gridwatch-* metadata) and then
// authorise it: the authorizer (authz.go) checks the method's rule in one
// table (authz_rules.go), by role and by object in the caller's scope
// (units, grids, their own responder), and denies a method without a rule;
// lists and watches keep what the caller's scope holds (scopeFrom).
// docs/SECURITY.md has the table. FindResponders and ListCandidates give
// precise positions and resolution-8 cells to dispatchers only,
// resolution-7 cells to everyone else. docs/PRIVACY.md says what is kept
// and who sees it.
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
// # HTTP
//
// RegisterGateway adds the HTTP/JSON bindings of
// proto/gridwatch/v1/gridwatch_http.yaml to a grpc-gateway mux; the OpenAPI
// document is gen/openapiv2/gridwatch.swagger.json.
package api
