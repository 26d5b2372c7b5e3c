// gridwatch dispatch console: the page. Plain JavaScript, no
// dependencies; api.js, loaded before it, makes the calls.
"use strict";

const ACTIVE = ["INCIDENT_STATE_DISPATCHING", "INCIDENT_STATE_ASSIGNED", "INCIDENT_STATE_ON_SCENE"];
const CANCELLABLE = ["INCIDENT_STATE_NEW", ...ACTIVE];
const RESOLVABLE = ["INCIDENT_STATE_ASSIGNED", "INCIDENT_STATE_ON_SCENE"];
const ALERTS = new Set(["INCIDENT_EVENT_TYPE_WIDENED", "INCIDENT_EVENT_TYPE_EXHAUSTED"]);
const MAX_LOG = 200;
const MAX_ALERTS = 50;
const CANDIDATES_PER_CIRCLE = 10;
const CANDIDATES_REFRESH_MS = 10000;

const state = {
  incidents: new Map(), // name → the latest incident seen
  selected: "", // the name of the incident shown
  candidates: null, // the selected incident's ListCandidates slots
  candidatesNote: "",
  alerts: [], // {incident, event}, newest first, not yet dismissed
  activeOnly: true,
};

// watch follows the live events (api.js).
const watch = new IncidentWatch({
  onEvent,
  onStatus: setConn,
  onReconnect() {
    loadList(); // events may have been missed meanwhile
    if (state.selected) loadIncident(state.selected);
  },
});

function setConn(kind, text) {
  const c = byId("conn");
  c.className = "conn conn-" + kind;
  c.textContent = text;
}

// onEvent applies one streamed event and the incident after it.
function onEvent(ev, inc) {
  if (inc.name) remember(inc);
  addLog(ev, inc);
  if (ALERTS.has(ev.type)) {
    state.alerts.unshift({ incident: inc.name, event: ev });
    state.alerts.length = Math.min(state.alerts.length, MAX_ALERTS);
    renderAlerts();
  }
  renderList();
  if (inc.name && inc.name === state.selected) {
    renderDetail();
    scheduleCandidates();
  }
}

// remember keeps the newest version of an incident: one with a shorter
// timeline than the one kept is an older snapshot.
function remember(inc) {
  const old = state.incidents.get(inc.name);
  const n = (inc.timeline || []).length;
  if (!old || n === 0 || n >= (old.timeline || []).length) state.incidents.set(inc.name, inc);
}

// ---- the list ----

async function loadList() {
  const query = { pageSize: 100 };
  if (state.activeOnly) query.states = ACTIVE.concat("INCIDENT_STATE_NEW");
  const cells = watch.cells.filter((x) => !x.includes("/"));
  const grids = watch.cells.filter((x) => x.includes("/")); // grid names
  if (cells.length) query.cells = cells;
  if (grids.length) query.grids = grids;
  const note = byId("list-note");
  try {
    const resp = await call("list", "", { query });
    for (const inc of resp.incidents || []) remember(inc);
    note.hidden = true;
  } catch (e) {
    note.hidden = false;
    note.textContent =
      e.code === CODE.UNIMPLEMENTED || e.httpStatus === 501
        ? "This server cannot list incidents yet: the list shows the incidents seen on the live stream since the page opened. Open an older one by name above."
        : e.code === CODE.UNAUTHENTICATED || e.httpStatus === 401
          ? "Not signed in: paste an access token above (gridwatch token issue)."
          : "Listing failed: " + e.message + ". Showing the incidents seen on the live stream.";
  }
  renderList();
}

function renderList() {
  const body = byId("incidents");
  const alerted = new Set(state.alerts.map((a) => a.incident));
  const rows = [...state.incidents.values()]
    .filter((inc) => !state.activeOnly || CANCELLABLE.includes(inc.state))
    .sort((a, b) => (b.createTime || "").localeCompare(a.createTime || ""));
  body.replaceChildren(
    ...rows.map((inc) => {
      const tr = el("tr", { class: "row" }, [
        el("td", {}, time(inc.createTime)),
        el("td", {}, badge(inc.state, "INCIDENT_STATE_")),
        el("td", {}, inc.category || ""),
        el("td", {}, String(inc.severity || "")),
        el("td", {}, inc.address || ""),
        el("td", {}, slotSummary(inc)),
      ]);
      if (inc.name === state.selected) tr.classList.add("selected");
      if (alerted.has(inc.name)) tr.classList.add("has-alert");
      tr.addEventListener("click", () => select(inc.name));
      return tr;
    }),
  );
  byId("list-empty").hidden = rows.length > 0;
}

function slotSummary(inc) {
  const slots = inc.slots || [];
  const filled = slots.filter((s) => s.state === "SLOT_STATE_FILLED").length;
  const exhausted = slots.some((s) => s.state === "SLOT_STATE_EXHAUSTED");
  return filled + "/" + slots.length + (exhausted ? " ⚠" : "");
}

// ---- the selected incident ----

function select(name) {
  state.selected = name;
  state.candidates = null;
  state.candidatesNote = "loading candidates…";
  state.alerts = state.alerts.filter((a) => a.incident !== name);
  renderAlerts();
  renderList();
  renderDetail();
  loadIncident(name);
}

async function loadIncident(name) {
  try {
    const inc = await call("get", name);
    state.incidents.set(inc.name, inc);
    if (state.selected !== name) return;
    renderList();
    renderDetail();
    loadCandidates();
  } catch (e) {
    if (state.selected !== name) return;
    showNotice("Loading " + name + " failed: " + e.message, true);
    if (!state.incidents.has(name)) {
      byId("detail-pane").replaceChildren(el("p", { class: "note" }, "Could not load " + name + ": " + e.message));
    }
  }
}

let candidatesTimer = 0;

function scheduleCandidates() {
  clearTimeout(candidatesTimer);
  candidatesTimer = setTimeout(loadCandidates, 300);
}

async function loadCandidates() {
  const name = state.selected;
  const inc = state.incidents.get(name);
  if (!inc) return;
  if (!ACTIVE.includes(inc.state)) {
    state.candidates = null;
    state.candidatesNote = "Candidates are ranked for active incidents only.";
    renderDetail();
    return;
  }
  try {
    const resp = await call("candidates", name, { query: { limitPerCircle: CANDIDATES_PER_CIRCLE } });
    if (state.selected !== name) return;
    state.candidates = resp.slots || [];
    state.candidatesNote = "";
  } catch (e) {
    if (state.selected !== name) return;
    state.candidates = null;
    state.candidatesNote =
      e.code === CODE.FAILED_PRECONDITION
        ? "Candidates are ranked for active incidents only."
        : "Candidates failed: " + e.message;
  }
  renderDetail();
}

function renderDetail() {
  const pane = byId("detail-pane");
  const inc = state.incidents.get(state.selected);
  if (!inc) {
    pane.replaceChildren(el("p", { class: "note" }, state.selected ? "Loading " + state.selected + "…" : "Select an incident."));
    return;
  }
  const pos = inc.position || {};
  pane.replaceChildren(
    el("div", { class: "pane-head" }, [
      el("h2", {}, (inc.category || "incident") + " · severity " + (inc.severity || "?")),
      badge(inc.state, "INCIDENT_STATE_"),
    ]),
    el("dl", { class: "facts" }, [
      fact("Name", inc.name),
      fact("Created", time(inc.createTime) + " · " + pretty(inc.source, "INCIDENT_SOURCE_")),
      fact("Address", inc.address || "—"),
      fact("Position", pos.latitude !== undefined ? (pos.latitude || 0).toFixed(6) + ", " + (pos.longitude || 0).toFixed(6) + " · cell " + inc.cell : "—"),
      fact("Description", inc.description || "—"),
    ]),
    actions(inc),
    el("h3", {}, "Slots and candidates"),
    state.candidatesNote ? el("p", { class: "note" }, state.candidatesNote) : "",
    ...(inc.slots || []).map((s) => slotView(inc, s)),
    el("h3", {}, "Assignments"),
    assignmentsTable(inc.assignments || []),
    el("h3", {}, "Offers"),
    offersTable(inc.offers || []),
    el("h3", {}, "Timeline"),
    el("ol", { class: "timeline" }, (inc.timeline || []).map((ev) => logItem(ev, null))),
  );
}

function fact(label, value) {
  return el("div", {}, [el("dt", {}, label), el("dd", {}, value)]);
}

function actions(inc) {
  const name = inc.name;
  return el("div", { class: "actions" }, [
    button("Cancel…", !CANCELLABLE.includes(inc.state), () => {
      const reason = window.prompt("Cancel " + name + "? Reason:", "");
      if (reason !== null) act("Cancel", name, () => call("cancel", name, { body: { reason } }));
    }),
    button("Resolve…", !RESOLVABLE.includes(inc.state), () => {
      const note = window.prompt("Resolve " + name + "? Note:", "");
      if (note !== null) act("Resolve", name, () => call("transition", name, { body: { state: "INCIDENT_STATE_RESOLVED", note } }));
    }),
    button("Close", inc.state !== "INCIDENT_STATE_RESOLVED", () =>
      act("Close", name, () => call("transition", name, { body: { state: "INCIDENT_STATE_CLOSED" } })),
    ),
    button("Refresh", false, () => loadIncident(name)),
  ]);
}

// slotView shows one slot with its pending offers and its candidates.
function slotView(inc, slot) {
  const index = slot.index || 0;
  const cands = (state.candidates || []).find((c) => ((c.slot || {}).index || 0) === index);
  const pending = (inc.offers || []).filter((o) => (o.slot || 0) === index && o.state === "OFFER_STATE_PENDING");
  const canAssign = ACTIVE.includes(inc.state) && slot.state !== "SLOT_STATE_FILLED";
  const head = [
    el("strong", {}, "Slot " + (index + 1)),
    " · circle " + (slot.circle || "?") + " · ",
    (slot.kinds || []).map((k) => pretty(k, "RESPONDER_KIND_")).join(", ") || "any kind",
    " ",
    badge(slot.state, "SLOT_STATE_"),
  ];
  if (slot.assignee) head.push(" · held by " + short(slot.assignee));
  if (pending.length) head.push(" · offered to " + pending.map((o) => short(o.responder) + " until " + time(o.expireTime)).join(", "));
  const parts = [el("div", { class: "slot-head" }, head)];
  if (cands) {
    const offered = new Set(cands.offered || []);
    parts.push(...(cands.circles || []).map((c, ci) => circleTable(inc.name, index, c, ci, offered, canAssign)));
  }
  const cls = "slot" + (slot.state === "SLOT_STATE_EXHAUSTED" ? " exhausted" : "");
  return el("div", { class: cls }, parts);
}

function circleTable(name, slot, circle, ci, offered, canAssign) {
  const rs = circle.responders || [];
  const title = "Circle " + (ci + 1) + " (≤ " + Math.round((circle.maxEtaSeconds || 0) / 60) + " min)";
  if (!rs.length) return el("p", { class: "circle-empty" }, title + ": nobody available");
  const rows = rs.map((r) =>
    el("tr", { class: offered.has(r.responder) ? "offered" : "" }, [
      el("td", {}, short(r.responder)),
      el("td", {}, pretty(r.kind, "RESPONDER_KIND_")),
      el("td", {}, pretty(r.travelMode, "TRAVEL_MODE_")),
      el("td", { class: "num" }, duration(r.etaSeconds || 0)),
      el("td", { class: "num" }, distance(r.distanceM || 0)),
      el("td", {}, offered.has(r.responder) ? "offered" : ""),
      el("td", {}, [
        button("Assign", !canAssign, () =>
          act("Assign " + short(r.responder) + " to slot " + (slot + 1), name, () =>
            call("assign", name, { body: { slot, responder: r.responder } }),
          ),
        ),
      ]),
    ]),
  );
  return el("table", { class: "candidates" }, [
    el("caption", {}, title),
    el("thead", {}, [el("tr", {}, ["Responder", "Kind", "Travel", "ETA", "Distance", "", ""].map((h) => el("th", {}, h)))]),
    el("tbody", {}, rows),
  ]);
}

function assignmentsTable(as) {
  if (!as.length) return el("p", { class: "note" }, "None yet.");
  return el("table", { class: "plain" }, [
    el("thead", {}, [el("tr", {}, ["Responder", "Slot", "Circle", "How", "Taken", "Arrived", "Released"].map((h) => el("th", {}, h)))]),
    el("tbody", {}, as.map((a) =>
      el("tr", {}, [
        el("td", {}, short(a.responder)),
        el("td", {}, String((a.slot || 0) + 1)),
        el("td", {}, String(a.circle || "")),
        el("td", {}, a.manual ? "by hand" : "offer"),
        el("td", {}, time(a.acceptTime)),
        el("td", {}, a.arriveTime ? time(a.arriveTime) + " (" + (a.timeToScene || "") + (a.targetMet ? ", on target)" : ", late)") : ""),
        el("td", {}, a.releaseTime ? time(a.releaseTime) + (a.withdrawn ? " (withdrawn)" : "") : ""),
      ]),
    )),
  ]);
}

function offersTable(os) {
  if (!os.length) return el("p", { class: "note" }, "None yet.");
  return el("table", { class: "plain" }, [
    el("thead", {}, [el("tr", {}, ["Responder", "Slot", "Circle", "Offered", "State", "Closed"].map((h) => el("th", {}, h)))]),
    el("tbody", {}, os.map((o) =>
      el("tr", {}, [
        el("td", {}, short(o.responder)),
        el("td", {}, String((o.slot || 0) + 1)),
        el("td", {}, String(o.circle || "")),
        el("td", {}, time(o.offerTime)),
        el("td", {}, badge(o.state, "OFFER_STATE_")),
        el("td", {}, time(o.closeTime)),
      ]),
    )),
  ]);
}

// act runs a dispatcher's action and shows the incident it returns. A lost
// race (ABORTED) re-reads the incident.
async function act(label, name, fn) {
  try {
    const inc = await fn();
    if (inc.name) state.incidents.set(inc.name, inc);
    showNotice(label + ": done.", false);
  } catch (e) {
    const hint = e.code === CODE.ABORTED ? " Someone else changed it first; reloaded." : "";
    showNotice(label + " failed: " + e.message + "." + hint, true);
    if (e.code === CODE.ABORTED) loadIncident(name);
  }
  renderList();
  if (name === state.selected) {
    renderDetail();
    loadCandidates();
  }
}

// ---- alerts and the log ----

function renderAlerts() {
  const box = byId("alerts");
  box.hidden = state.alerts.length === 0;
  byId("alerts-list").replaceChildren(
    ...state.alerts.map((a) =>
      el("li", {}, [
        el("span", {}, time(a.event.eventTime) + " " + short(a.incident) + ": " + describe(a.event) + " "),
        button("Show", false, () => select(a.incident)),
      ]),
    ),
  );
  document.title = (state.alerts.length ? "(" + state.alerts.length + ") " : "") + "gridwatch dispatch";
}

function addLog(ev, inc) {
  const log = byId("log");
  log.prepend(logItem(ev, inc));
  while (log.children.length > MAX_LOG) log.lastChild.remove();
}

function logItem(ev, inc) {
  const li = el("li", { class: ALERTS.has(ev.type) ? "alert" : "" }, [
    el("time", {}, time(ev.eventTime)),
    " ",
    inc ? el("a", { href: "#" }, short(inc.name) + " " + (inc.category || "")) : "",
    inc ? " · " : "",
    describe(ev),
  ]);
  const link = li.querySelector("a");
  if (link) {
    link.addEventListener("click", (e) => {
      e.preventDefault();
      select(inc.name);
    });
  }
  return li;
}

// describe says what an event did, in words.
function describe(ev) {
  let s = pretty(ev.type, "INCIDENT_EVENT_TYPE_");
  if (ev.type === "INCIDENT_EVENT_TYPE_TRANSITION") {
    s += " " + pretty(ev.fromState, "INCIDENT_STATE_") + " → " + pretty(ev.toState, "INCIDENT_STATE_");
  }
  const slot = ev.slot || 0;
  if (slot >= 0 && ev.type !== "INCIDENT_EVENT_TYPE_CREATED" && ev.type !== "INCIDENT_EVENT_TYPE_TRANSITION") s += " · slot " + (slot + 1);
  if (ev.responder) s += " · " + short(ev.responder);
  if (ev.actor && ev.actor !== "system") s += " · by " + ev.actor;
  if (ev.note) s += " · " + ev.note;
  return s;
}

// ---- credentials ----

// useToken keeps token for this tab (api.js) and reconnects with it.
function useToken(token) {
  setToken(token);
  byId("token").value = "";
  renderToken();
  watch.start(watch.cells);
  loadList();
  if (state.selected) loadIncident(state.selected);
}

function renderToken() {
  byId("token-state").textContent = getToken() ? "token set" : "no token";
}

// ---- start ----

function init() {
  byId("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    useToken(byId("token").value);
  });
  byId("token-clear").addEventListener("click", () => useToken(""));
  renderToken();
  byId("filter-form").addEventListener("submit", (e) => {
    e.preventDefault();
    watch.start(parseCells(byId("cells").value));
    loadList();
  });
  byId("open-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const v = byId("open-name").value.trim();
    if (v) select(v.startsWith("incidents/") ? v : "incidents/" + v);
  });
  byId("active-only").addEventListener("change", (e) => {
    state.activeOnly = e.target.checked;
    loadList();
  });
  byId("list-refresh").addEventListener("click", loadList);
  byId("alerts-clear").addEventListener("click", () => {
    state.alerts = [];
    renderAlerts();
    renderList();
  });
  setInterval(() => {
    const inc = state.incidents.get(state.selected);
    if (inc && ACTIVE.includes(inc.state) && document.visibilityState === "visible") loadCandidates();
  }, CANDIDATES_REFRESH_MS);
  watch.start([]);
  loadList();
}

document.addEventListener("DOMContentLoaded", init);
