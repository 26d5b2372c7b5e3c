// gridwatch dispatch console: the calls to the HTTP/JSON gateway on the
// page's own origin, and the live event stream. Loaded before app.js.
"use strict";

// TOKEN_KEY is where the console keeps the access token the user pastes:
// sessionStorage, which the tab forgets when it closes; never the URL, a
// cookie or the origin's lasting storage. Every call sends it as
// Authorization: Bearer.
const TOKEN_KEY = "gridwatch.token";

// ROLE_HEADERS go with the calls instead when no token is set: the role a
// caller asserts to a server whose authentication is off (gridwatchd
// -auth off), which the gateway forwards as x-gridwatch-role metadata. A
// server with authentication on ignores it and refuses the call.
const ROLE_HEADERS = Object.freeze({ "X-Gridwatch-Role": "dispatcher" });

// getToken returns the token of this tab, "" when none is set.
function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  } catch (e) {
    return "";
  }
}

// setToken keeps token for this tab; an empty one forgets it.
function setToken(token) {
  const t = String(token || "").trim().replace(/^Bearer\s+/i, "");
  try {
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) {
    // storage refused (private mode): the token is not kept
  }
}

// authHeaders are the credentials of a call: the bearer token when one is
// set, else ROLE_HEADERS.
function authHeaders() {
  const t = getToken();
  return t ? { Authorization: "Bearer " + t } : { ...ROLE_HEADERS };
}

// ROUTES are every call the console makes, "METHOD /path", {id} standing
// for an incident's id. web/console_test.go checks each against the
// gateway's HTTP rules, so no other API path may appear in the scripts.
const ROUTES = Object.freeze({
  watch: "GET /v1/incidents:watch",
  list: "GET /v1/incidents",
  get: "GET /v1/incidents/{id}",
  candidates: "GET /v1/incidents/{id}/candidates",
  assign: "POST /v1/incidents/{id}:assign",
  cancel: "POST /v1/incidents/{id}:cancel",
  transition: "POST /v1/incidents/{id}:transition",
});

// CODE are the gRPC status codes the console tells apart.
const CODE = Object.freeze({
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  UNAUTHENTICATED: 16,
});

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30000;

// ApiError is a failed call: the HTTP status and the google.rpc.Status.
class ApiError extends Error {
  constructor(httpStatus, status) {
    super((status && status.message) || "HTTP " + httpStatus);
    this.httpStatus = httpStatus;
    this.code = (status && status.code) || 0;
  }
}

// request returns the method and URL of a route for an incident name;
// array values of query repeat their parameter.
function request(route, name, query) {
  const [method, template] = ROUTES[route].split(" ");
  const id = (name || "").replace(/^incidents\//, "");
  const path = template.replace("{id}", encodeURIComponent(id));
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    for (const x of [].concat(v)) qs.append(k, String(x));
  }
  const q = qs.toString();
  return { method, url: q ? path + "?" + q : path };
}

// call makes a unary call and returns the decoded response; a failure
// throws an ApiError.
async function call(route, name, { query, body } = {}) {
  const { method, url } = request(route, name, query);
  const headers = { ...authHeaders(), Accept: "application/json" };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(url, init);
  const text = await resp.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : {};
  } catch (e) {
    data = null;
  }
  if (!resp.ok) throw new ApiError(resp.status, data);
  return data || {};
}

// IncidentWatch follows the WatchIncidents stream. The gateway answers one
// JSON object per line, {"result": {...}} or, when the stream fails,
// {"error": {...}}; it sends no headers before the first event, so an idle
// stream looks like a pending request. When the stream ends for any reason
// but a restart, it reconnects after a delay doubling from 1 s to 30 s and
// calls onReconnect, since events may have been missed.
class IncidentWatch {
  constructor({ onEvent, onStatus, onReconnect }) {
    this.onEvent = onEvent; // (event, incident)
    this.onStatus = onStatus; // (kind: "wait" | "up" | "down", text)
    this.onReconnect = onReconnect;
    this.cells = [];
    this.backoff = BACKOFF_MIN_MS;
    this.ctrl = null;
    this.timer = 0;
    this.live = false;
    this.lastError = "";
  }

  // start (re)opens the stream at once, for the H3 cells given (all when
  // empty).
  start(cells) {
    this.cells = cells;
    this.backoff = BACKOFF_MIN_MS;
    this.open();
  }

  open() {
    clearTimeout(this.timer);
    if (this.ctrl) this.ctrl.abort();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    this.live = false;
    this.onStatus("wait", "listening…");
    this.read(ctrl.signal)
      .then(() => "stream ended")
      .catch((e) => (e.name === "AbortError" ? "" : e.message))
      .then((why) => {
        if (this.ctrl === ctrl && !ctrl.signal.aborted) this.retry(why);
      });
  }

  async read(signal) {
    // Entries naming a grid ("policeGrids/…", "communityGrids/…") are
    // grids, the others H3 cells: the area is their union.
    const cells = this.cells.filter((x) => !x.includes("/"));
    const grids = this.cells.filter((x) => x.includes("/"));
    const { method, url } = request("watch", "", { cells, grids });
    const resp = await fetch(url, { method, signal, headers: { ...authHeaders(), Accept: "application/json" } });
    if (!resp.body) throw new ApiError(resp.status, null);
    const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) this.line(line);
      }
    }
    if (buf.trim()) this.line(buf.trim());
  }

  line(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (msg.result) {
      if (!this.live) {
        this.live = true;
        this.backoff = BACKOFF_MIN_MS;
        this.onStatus("up", "live");
      }
      this.onEvent(msg.result.event || {}, msg.result.incident || {});
      return;
    }
    const err = msg.error || msg; // an error before the stream opened is a bare status
    this.lastError = err.message || "stream error";
  }

  retry(why) {
    const delay = this.backoff;
    this.backoff = Math.min(2 * this.backoff, BACKOFF_MAX_MS);
    const reason = this.lastError || why || "disconnected";
    this.lastError = "";
    this.live = false;
    this.onStatus("down", reason + "; retrying in " + Math.round(delay / 1000) + " s");
    this.timer = setTimeout(() => {
      this.open();
      this.onReconnect();
    }, delay + Math.random() * 250);
  }
}
