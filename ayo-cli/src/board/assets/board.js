// ayo board: draws what the server answers (/api/board, /api/graph, /api/tickets/ID) and
// reloads it when /api/events says the store changed. Every rule is the server's; this only
// draws. Text is always set as text (never parsed as HTML).
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const NODE_W = 176;
const NODE_H = 44;
const state = { assignee: "", tag: "", focus: null, selected: null, write: false };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

async function getJson(url, options) {
  return JSON.parse(await getText(url, options));
}

async function getText(url, options) {
  const response = await fetch(url, options);
  const text = await response.text();
  if (!response.ok) {
    let message = response.statusText;
    try { message = JSON.parse(text).error.message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return text;
}

// What each part of the page last drew (its URL and answer): the same answer is not drawn
// again, so a change elsewhere does not rebuild a thousand cards under the pointer.
const drawn = new Map();
async function changed(part, url) {
  const text = await getText(url);
  const key = url + "\n" + text;
  if (drawn.get(part) === key) return null;
  drawn.set(part, key);
  return JSON.parse(text);
}

function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
}

function leaseText(iso) {
  if (!iso) return null;
  const left = Math.round((new Date(iso) - Date.now()) / 60000);
  const rel = left >= 0 ? `in ${left} min` : `${-left} min ago`;
  return `lease ends ${new Date(iso).toLocaleTimeString()} (${rel})`;
}

// ---- columns ----

function card(c) {
  const lease = leaseText(c.lease_until);
  return el("li", {
      class: "card" + (c.id === state.selected ? " selected" : ""),
      "data-ticket-id": c.id, tabindex: "0",
      onclick: () => showDetail(c.id),
      onkeydown: (e) => { if (e.key === "Enter") showDetail(c.id); },
    },
    el("div", { class: "title" }, c.title),
    el("div", { class: "meta" },
      el("span", { class: "id" }, c.id),
      el("span", { class: `prio prio-${c.priority}`, title: "priority" }, `P${c.priority}`),
      el("span", { class: "assignee" }, c.assignee || "unassigned"),
      lease ? el("span", { class: "lease" }, lease) : null,
      c.blocked_by.length ? el("span", { class: "waits" }, `waits on ${c.blocked_by.join(", ")}`) : null,
      c.tags.map((t) => el("span", { class: "tag" }, t))));
}

function fillSelect(select, values, chosen, none) {
  const options = [el("option", { value: "" }, none)];
  for (const v of values) options.push(el("option", { value: v }, v));
  if (chosen && !values.includes(chosen)) options.push(el("option", { value: chosen }, chosen));
  select.replaceChildren(...options);
  select.value = chosen;
}

async function loadBoard() {
  const q = new URLSearchParams();
  if (state.assignee) q.set("assignee", state.assignee);
  if (state.tag) q.set("tag", state.tag);
  const board = await changed("board", "/api/board?" + q);
  if (!board) return;
  for (const [name, cards] of Object.entries(board.columns)) {
    const column = document.querySelector(`[data-column="${name}"]`);
    const items = cards.map(card);
    if (name === "closed" && board.closed_total > cards.length) {
      items.push(el("li", { class: "more" }, `and ${board.closed_total - cards.length} older`));
    }
    column.querySelector(".cards").replaceChildren(...items);
    const total = name === "closed" ? board.closed_total : cards.length;
    column.querySelector(".count").textContent = String(total);
  }
  fillSelect(document.getElementById("assignee"), board.assignees, state.assignee, "everyone");
  fillSelect(document.getElementById("tag"), board.tags, state.tag, "any");
}

// ---- graph ----

function edgePath(from, to) {
  const x1 = from.x, y1 = from.y + NODE_H / 2, x2 = to.x, y2 = to.y - NODE_H / 2 - 4;
  const bend = Math.max(24, (y2 - y1) / 2);
  return `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`;
}

function short(text, n) {
  return text.length > n ? text.slice(0, n - 1) + "…" : text;
}

async function loadGraph() {
  const url = state.focus ? "/api/graph?focus=" + encodeURIComponent(state.focus) : "/api/graph";
  let graph;
  try {
    graph = await changed("graph", url);
  } catch (e) {
    state.focus = null; // the focused ticket is gone
    graph = await changed("graph", "/api/graph");
  }
  if (!graph) return;
  const scope = document.getElementById("graph-scope");
  scope.textContent = graph.focus ? `around ${graph.focus}` : "of the open work";
  document.getElementById("graph-all").hidden = !graph.focus;
  const box = document.getElementById("graph");
  if (!graph.nodes.length) {
    box.replaceChildren(el("p", { class: "empty" }, "No open work."));
    return;
  }
  const pad = 8;
  const root = svg("svg", {
    width: graph.width + 2 * pad, height: graph.height + 2 * pad,
    viewBox: `${-pad} ${-pad} ${graph.width + 2 * pad} ${graph.height + 2 * pad}`,
    role: "img", "aria-label": "dependency graph",
  });
  const defs = svg("defs");
  for (const [id, color] of [["arrow", "#98a2b3"], ["arrow-blocked", "#b42318"]]) {
    defs.append(svg("marker", { id, viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto" },
      svg("path", { d: "M0,0 L10,5 L0,10 z", fill: color })));
  }
  root.append(defs);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const edges = svg("g", { class: "edges" });
  for (const e of graph.edges) {
    const path = svg("path", {
      class: "edge" + (e.blocked ? " blocked" : ""), d: edgePath(byId.get(e.from), byId.get(e.to)),
      "marker-end": e.blocked ? "url(#arrow-blocked)" : "url(#arrow)",
      "data-from": e.from, "data-to": e.to,
    });
    path.append(svg("title", {}, `${e.to} waits on ${e.from}` + (e.blocked ? " (not closed)" : "")));
    edges.append(path);
  }
  root.append(edges);
  for (const n of graph.nodes) {
    const g = svg("g", {
      class: `node ${n.column}` + (n.id === graph.focus ? " focus" : ""),
      "data-ticket-id": n.id, transform: `translate(${n.x - NODE_W / 2},${n.y - NODE_H / 2})`,
      tabindex: "0",
    });
    g.append(svg("title", {}, `${n.id}: ${n.title} (${n.column.replace("_", " ")})`),
      svg("rect", { width: NODE_W, height: NODE_H, rx: 6 }),
      svg("text", { x: 8, y: 16, class: "nid" }, `${n.id}  ${n.assignee || ""}`),
      svg("text", { x: 8, y: 34 }, short(n.title, 23)));
    g.addEventListener("click", () => showDetail(n.id));
    root.append(g);
  }
  box.replaceChildren(root);
}

// ---- details ----

function link(id) {
  return el("a", { onclick: () => showDetail(id), "data-link": id }, id);
}

function joinLinks(ids) {
  if (!ids.length) return "—";
  return ids.flatMap((id, i) => (i ? [", ", link(id)] : [link(id)]));
}

function writeForms(t) {
  const actor = el("input", { name: "actor", placeholder: "acting agent, e.g. @reviewer", value: localStorage.getItem("ayo-actor") || "" });
  const out = el("p", { class: "error" });
  const send = async (action, fields) => {
    localStorage.setItem("ayo-actor", actor.value);
    try {
      await getJson(`/api/tickets/${encodeURIComponent(t.id)}/${action}`, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ actor: actor.value, ...fields }),
      });
      out.textContent = "";
    } catch (e) {
      out.textContent = e.message;
    }
  };
  const text = el("textarea", { name: "text", rows: "2", placeholder: "a note" });
  const reason = el("input", { name: "reason", placeholder: "why (optional)" });
  const agent = el("input", { name: "agent", placeholder: "agent (empty: clear)" });
  const button = (label, action, fields) =>
    el("button", { type: "button", "data-action": action, onclick: () => send(action, fields()) }, label);
  return [
    el("h3", {}, "Act"),
    el("form", {}, actor),
    el("form", {}, text, button("Add note", "note", () => ({ text: text.value }))),
    el("form", {}, agent, button("Assign", "assign", () => ({ agent: agent.value || null }))),
    el("form", {},
      t.status === "open" ? button("Start", "start", () => ({})) : null,
      t.status === "in_progress" ? button("Release", "release", () => ({})) : null,
      t.status !== "closed" ? reason : null,
      t.status !== "closed" ? button("Close", "close", () => ({ reason: reason.value || null })) : null,
      t.status === "closed" ? button("Reopen", "reopen", () => ({})) : null),
    out,
  ];
}

async function showDetail(id) {
  let data;
  try {
    data = await getJson("/api/tickets/" + encodeURIComponent(id));
  } catch (e) {
    closeDetail();
    return;
  }
  const t = data.ticket;
  state.selected = t.id;
  for (const c of document.querySelectorAll(".card")) {
    c.classList.toggle("selected", c.dataset.ticketId === t.id);
  }
  const fields = [
    ["status", t.status.replace("_", " ") + (t.ready ? " (ready)" : "")],
    ["assignee", t.assignee || "—"], ["priority", `P${t.priority}`], ["type", t.type],
    ["tags", t.tags.join(", ") || "—"], ["deps", joinLinks(t.deps)],
    ["waits on", joinLinks(t.blocked_by)], ["needed by", joinLinks(data.dependents)],
    ["parent", t.parent ? link(t.parent) : "—"], ["created", when(t.created) || "—"],
    ["started", when(t.started) || "—"], ["closed", when(t.closed) || "—"],
    ["lease", leaseText(t.lease_until) || "—"],
  ];
  const body = document.getElementById("detail-body");
  body.replaceChildren(
    el("h2", {}, t.title),
    el("p", { class: "id" }, t.id, " ",
      el("a", { onclick: () => { state.focus = t.id; loadGraph(); }, "data-focus": t.id }, "show its neighbourhood in the graph")),
    el("dl", {}, fields.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    el("h3", {}, "Description"),
    t.description.trim() ? el("pre", { class: "description" }, t.description.trim()) : el("p", {}, "—"),
    el("h3", {}, `Notes (${t.notes.length})`),
    el("div", { class: "notes" }, t.notes.map((n) =>
      el("div", { class: "note" },
        el("div", { class: "when" }, `${when(n.at)} ${n.author || ""}`),
        el("pre", {}, n.text)))),
    ...(state.write ? writeForms(t) : []),
    el("h3", {}, "History"),
    el("ul", { class: "history" }, data.history.map((h) =>
      el("li", {}, el("span", { class: "when" }, when(h.at)), " ", h.actor || "—", " ",
        el("b", {}, h.action), h.detail ? ` ${h.detail}` : ""))),
  );
  const panel = document.getElementById("detail");
  panel.hidden = false;
  panel.dataset.ticketId = t.id;
}

function closeDetail() {
  state.selected = null;
  const panel = document.getElementById("detail");
  panel.hidden = true;
  delete panel.dataset.ticketId;
  for (const c of document.querySelectorAll(".card.selected")) c.classList.remove("selected");
}

// ---- live ----

// One reload at a time: changes that come while one runs make one more afterwards.
let scheduled = false;
let running = false;
let again = false;
function refresh() {
  if (running) { again = true; return; }
  if (scheduled) return;
  scheduled = true;
  setTimeout(reload, 30);
}

async function reload() {
  scheduled = false;
  running = true;
  try {
    const panel = document.getElementById("detail");
    const typing = panel.contains(document.activeElement) && document.activeElement.matches("input, textarea");
    const detail = state.selected && !typing ? showDetail(state.selected) : null;
    await Promise.all([loadBoard(), loadGraph(), detail]);
    document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
  } catch (e) {
    console.error(e);
  } finally {
    running = false;
    if (again) { again = false; refresh(); }
  }
}

function listen() {
  const live = document.getElementById("live");
  const source = new EventSource("/api/events");
  source.addEventListener("hello", () => {
    live.dataset.live = "true";
    live.textContent = "live";
    refresh(); // anything that changed before the stream opened
  });
  source.addEventListener("change", refresh);
  source.addEventListener("error", () => {
    live.dataset.live = "false";
    live.textContent = "reconnecting…";
  });
}

async function start() {
  const info = await getJson("/api/info");
  state.write = info.write;
  document.getElementById("assignee").addEventListener("change", (e) => { state.assignee = e.target.value; refresh(); });
  document.getElementById("tag").addEventListener("change", (e) => { state.tag = e.target.value; refresh(); });
  document.getElementById("detail-close").addEventListener("click", closeDetail);
  document.getElementById("graph-all").addEventListener("click", () => { state.focus = null; loadGraph(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeDetail(); });
  listen(); // its `hello` and this first load come together as one
  refresh();
}

start();
