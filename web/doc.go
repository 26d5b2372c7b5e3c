// Package web holds the dispatch console: a static, dependency-free page
// (HTML, vanilla JavaScript and CSS in console/, embedded with go:embed)
// that the server serves at /console/ on its one port.
//
// The page talks only to the HTTP/JSON gateway on the same origin: it
// follows GET /v1/incidents:watch (newline-delimited JSON, reconnecting
// with backoff), lists incidents, shows one incident with its slots,
// offers, assignments and timeline, ranks each slot's candidates per
// response circle (ListCandidates) and assigns, cancels and resolves by
// hand. WIDENED and EXHAUSTED events are shown as alerts. It loads nothing
// from elsewhere, so it works on a closed network.
//
// Handler serves the files with their content type, an ETag (they are
// revalidated on every load, so a new server version is picked up at
// once), a Content-Security-Policy that allows only the page's own script,
// style and same-origin fetches, and X-Content-Type-Options: nosniff.
//
// The page sends the access token the user pastes into its Token box as
// Authorization: Bearer; it keeps the token in the tab's sessionStorage,
// never in the URL. Without a token it sends X-Gridwatch-Role: dispatcher,
// which only a server whose authentication is off reads.
//
// The package imports only the standard library.
package web
