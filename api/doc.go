// Package api serves gridwatch's public API, gridwatch.v1 (proto/, generated
// into gen/), over package grid: GridService (units, police and community
// grids, the point lookup) and RosterService (watch posts, residential
// compounds, the responder roster).
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
// collection and filter it came from.
//
// # HTTP
//
// RegisterGateway adds the HTTP/JSON bindings of
// proto/gridwatch/v1/gridwatch_http.yaml to a grpc-gateway mux; the OpenAPI
// document is gen/openapiv2/gridwatch.swagger.json.
package api
