// gridwatch dispatch console: DOM and formatting helpers, loaded after
// api.js and before app.js, which uses them.
"use strict";

function byId(id) {
  return document.getElementById(id);
}

// el builds an element; children are nodes or strings (as text, never
// markup).
function el(tag, attrs, children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") {
      if (v) e.className = v;
    } else e.setAttribute(k, v);
  }
  for (const c of [].concat(children === undefined ? [] : children)) {
    if (c === "" || c === null) continue;
    e.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return e;
}

function button(label, disabled, onClick) {
  const b = el("button", { type: "button" }, label);
  b.disabled = disabled;
  b.addEventListener("click", onClick);
  return b;
}

function badge(value, prefix) {
  return el("span", { class: "badge " + String(value || "").toLowerCase() }, pretty(value, prefix));
}

// pretty turns "INCIDENT_STATE_ON_SCENE" into "on scene".
function pretty(value, prefix) {
  return String(value || prefix + "UNSPECIFIED").replace(prefix, "").toLowerCase().replace(/_/g, " ");
}

// short drops the collection of a resource name.
function short(name) {
  return String(name || "").replace(/^[a-zA-Z]+\//, "");
}

function time(ts) {
  if (!ts) return "";
  const d = new Date(ts);
  return isNaN(d) ? "" : d.toLocaleTimeString();
}

function duration(s) {
  s = Math.round(s);
  return s < 60 ? s + " s" : Math.floor(s / 60) + " min " + (s % 60) + " s";
}

function distance(m) {
  return m < 1000 ? Math.round(m) + " m" : (m / 1000).toFixed(2) + " km";
}

let noticeTimer = 0;

function showNotice(text, isError) {
  const n = byId("notice");
  n.textContent = text;
  n.className = "notice" + (isError ? " error" : "");
  n.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (n.hidden = true), isError ? 10000 : 4000);
}

function parseCells(text) {
  return text.split(/[\s,]+/).filter(Boolean);
}
