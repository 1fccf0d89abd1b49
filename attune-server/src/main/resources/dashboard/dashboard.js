// Attune's dashboard: a tenant's admin signs in with an admin key, kept in this tab's session
// storage and sent only in the Authorization header. Everything the API returns is shown as text
// (textContent), never parsed as HTML: stored user text cannot act on the page.
"use strict";

const KEY = "attune.adminKey";
const $ = (id) => document.getElementById(id);

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

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(method, path, body) {
  const headers = { "Authorization": "Bearer " + sessionStorage.getItem(KEY) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return null;
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, (json.error && json.error.message) || res.statusText);
  return json;
}

const fmt = {
  int: (v) => v === null || v === undefined ? "–" : Number(v).toLocaleString("en"),
  pct: (v) => v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%",
  ms: (v) => v === null || v === undefined ? "–" : v.toFixed(1) + " ms",
  num: (v, d = 2) => v === null || v === undefined ? "–" : v.toFixed(d),
  est: (e) => !e || e.value === null ? "no data"
    : e.low === null ? e.value.toFixed(3) + " (too few users)"
    : `${e.value.toFixed(3)} [${e.low.toFixed(3)}, ${e.high.toFixed(3)}]`,
  time: (t) => t ? new Date(t).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "–",
};

// ---- sign-in ----

async function signIn(key) {
  sessionStorage.setItem(KEY, key);
  try {
    showTenant(await api("GET", "/v1/effectiveness?granularity=hour"));
  } catch (e) {
    sessionStorage.removeItem(KEY);
    throw e;
  }
}

function showTenant(summary) {
  $("tenant-note").textContent = summary ? "Tenant: " + summary.tenant : "";
}

function showApp(on) {
  $("sign-in").hidden = on;
  $("app").hidden = !on;
  $("sign-out").hidden = !on;
  if (on) { selectTab("overview"); }
}

$("sign-in-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("sign-in-error").textContent = "";
  const input = $("key");
  try {
    await signIn(input.value.trim());
    input.value = "";
    showApp(true);
  } catch (e) {
    $("sign-in-error").textContent = e.status === 401 || e.status === 403
      ? "That key was refused: it must be an admin key of your tenant."
      : "Could not sign in: " + e.message;
  }
});

$("sign-out").addEventListener("click", () => {
  sessionStorage.removeItem(KEY);
  charts.forEach((c) => c.destroy());
  charts.length = 0;
  showTenant(null);
  showApp(false);
});

// ---- tabs (arrow keys move between them) ----

const TABS = ["overview", "experiments", "users", "audit"];
const loaders = { overview: loadOverview, experiments: loadExperiments, users: () => { loadUsers(0); $("user-id").focus(); }, audit: loadAudit };

function selectTab(name) {
  for (const t of TABS) {
    const on = t === name;
    const tab = $("tab-" + t);
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    $(t).hidden = !on;
  }
  loaders[name]();
}

for (const t of TABS) {
  const tab = $("tab-" + t);
  tab.addEventListener("click", () => selectTab(t));
  tab.addEventListener("keydown", (ev) => {
    const i = TABS.indexOf(t);
    const next = ev.key === "ArrowRight" ? TABS[(i + 1) % TABS.length]
      : ev.key === "ArrowLeft" ? TABS[(i + TABS.length - 1) % TABS.length] : null;
    if (next) { ev.preventDefault(); selectTab(next); $("tab-" + next).focus(); }
  });
}

// ---- overview ----

const charts = [];
// For the browser test (and the curious): the drawn charts, with their scales and series.
window.attuneCharts = charts;

// Every chart: time on x; a titled y axis with its unit; counts and shares start at zero; a
// period without data is a gap in its line, never a line drawn across it.
const fromZero = (u, min, max) => [0, max > 0 ? max * 1.1 : 1];

function chart(target, yLabel, series, x, ys, extra) {
  const div = $(target);
  div.replaceChildren();
  const width = Math.max(320, div.clientWidth || 560);
  const opts = {
    title: undefined,
    width, height: 230,
    scales: { x: { time: true }, y: { range: fromZero } },
    series: [{}, ...series.map((s) => Object.assign({ spanGaps: false, width: 2 }, s))],
    axes: [{ label: "Time (UTC)", labelSize: 22 }, { label: yLabel, labelSize: 22, size: 60 }],
  };
  if (extra) extra(opts);
  charts.push(new uPlot(opts, [x, ...ys], div));
}

const COLORS = ["#2458d6", "#d97706", "#067647", "#b42318", "#7c3aed"];

async function loadOverview() {
  const granularity = $("range").value;
  let s;
  try {
    s = await api("GET", "/v1/effectiveness?granularity=" + granularity);
  } catch (e) {
    $("tiles").replaceChildren(el("p", { class: "error" }, e.message));
    return;
  }
  const t = s.total;
  const thumbs = t.feedback.thumbs_up + t.feedback.thumbs_down;
  const tasks = t.feedback.task_completed + t.feedback.task_abandoned;
  const tiles = [
    ["Contexts served", fmt.int(t.contexts), "tile-contexts"],
    ["Latency p95", fmt.ms(t.latency_p95_ms), "tile-p95"],
    ["Items used by replies", fmt.pct(t.items_used_share), "tile-utilization"],
    ["Corrections per 100 contexts", fmt.num(t.corrections_per100_contexts), "tile-corrections"],
    ["Thumbs up", thumbs ? fmt.pct(t.feedback.thumbs_up / thumbs) : "–", "tile-thumbs"],
    ["Tasks completed", tasks ? fmt.pct(t.feedback.task_completed / tasks) : "–", "tile-tasks"],
    ["Extracted memories corrected", fmt.pct(t.extracted_corrected_share), "tile-extraction",
      "Of the memories extracted in this period, the share the user has corrected since (edited, deleted or contradicted), each memory counted once: at most 100%."],
    ["Memories per user", fmt.num(t.storage.memories_per_user, 1), "tile-memories"],
    ["Empty packs", fmt.pct(t.empty_rate), "tile-empty"],
    ["Extraction backlog", fmt.int(t.extraction_backlog), "tile-backlog"],
  ];
  $("tiles").replaceChildren(...tiles.map(([label, value, id, help]) =>
    el("div", { class: "tile", id, title: help },
      el("div", { class: "value" }, value), el("div", { class: "label" }, label),
      help ? el("div", { class: "help muted" }, "of those extracted in the period; each once") : null)));

  charts.forEach((c) => c.destroy());
  charts.length = 0;
  const p = s.periods;
  const x = p.map((r) => Date.parse(r.start) / 1000);
  const v = (f) => p.map((r) => { const y = f(r); return y === null || y === undefined ? null : y; });
  const per = granularity === "hour" ? "per hour" : "per day";
  chart("chart-contexts", "contexts " + per, [{ label: "contexts", stroke: COLORS[0], fill: "rgba(36,88,214,.1)" }], x,
    [v((r) => r.contexts)]);
  chart("chart-latency", "latency (ms)",
    [{ label: "p50", stroke: COLORS[2] }, { label: "p95", stroke: COLORS[0] }, { label: "p99", stroke: COLORS[1] },
     { label: "target", stroke: COLORS[3], dash: [6, 4], width: 1, spanGaps: true }],
    x, [v((r) => r.latency_p50_ms), v((r) => r.latency_p95_ms), v((r) => r.latency_p99_ms), p.map(() => s.latency_target_ms)]);
  chart("chart-quality", "items used by replies (%)",
    [{ label: "items used (%)", stroke: COLORS[2] }, { label: "corrections per 100 contexts", stroke: COLORS[3], scale: "n" }],
    x, [v((r) => r.items_used_share === null ? null : r.items_used_share * 100), v((r) => r.corrections_per100_contexts)],
    (o) => {
      o.scales.y = { range: [0, 100] };
      o.scales.n = { range: fromZero };
      o.axes.push({ scale: "n", side: 1, grid: { show: false }, label: "corrections per 100 contexts", labelSize: 22, size: 60 });
    });
  const share = (a, b) => (r) => { const n = r.feedback[a] + r.feedback[b]; return n ? 100 * r.feedback[a] / n : null; };
  chart("chart-feedback", "share (%)",
    [{ label: "thumbs up (%)", stroke: COLORS[0] }, { label: "tasks completed (%)", stroke: COLORS[2] }],
    x, [v(share("thumbs_up", "thumbs_down")), v(share("task_completed", "task_abandoned"))],
    (o) => { o.scales.y = { range: [0, 100] }; });
  chart("chart-storage", "memories per user",
    [{ label: "memories per user", stroke: COLORS[4] }, { label: "KiB per user", stroke: COLORS[1], scale: "kib" }],
    x, [v((r) => r.storage.memories_per_user), v((r) => r.storage.bytes_per_user === null ? null : r.storage.bytes_per_user / 1024)],
    (o) => {
      o.scales.kib = { range: fromZero };
      o.axes.push({ scale: "kib", side: 1, grid: { show: false }, label: "KiB per user", labelSize: 22, size: 60 });
    });
  loadVerdict();
}

// The active experiment's verdict on its primary metric, beside the tiles: does personalization help?
async function loadVerdict() {
  const box = $("experiment-verdict");
  try {
    const page = await api("GET", "/v1/experiments");
    const active = page.experiments.find((e) => e.active);
    if (!active) {
      box.replaceChildren(el("span", { class: "muted" }, "No active experiment: whether personalization helps is not being measured. Create a holdout in the Experiments tab."));
      return;
    }
    const r = await api("GET", "/v1/experiments/" + encodeURIComponent(active.name) + "/results");
    const arms = r.arms.filter((a) => a.arm !== r.control);
    box.replaceChildren(
      el("strong", {}, `Experiment '${active.name}' on ${r.primary_metric}: `),
      ...arms.map((a) => el("span", { class: "arm-verdict" },
        el("span", { class: "verdict verdict-" + a.verdict.replace(/ /g, "-") }, a.arm + " " + a.verdict),
        " (lift " + fmt.est(a.lift[r.primary_metric]) + " against " + (r.control || "no control") + ") ")));
  } catch (e) {
    box.replaceChildren(el("span", { class: "error" }, e.message));
  }
}

$("range").addEventListener("change", loadOverview);
$("refresh").addEventListener("click", loadOverview);

// ---- experiments ----

async function loadExperiments() {
  const list = $("experiment-list");
  let page;
  try {
    page = await api("GET", "/v1/experiments");
  } catch (e) {
    list.replaceChildren(el("p", { class: "error" }, e.message));
    return;
  }
  if (!page.experiments.length) {
    list.replaceChildren(el("p", {}, "No experiments yet. Create one with PUT /v1/experiments/{name}."));
    return;
  }
  const cards = [];
  for (const e of page.experiments) {
    const r = await api("GET", "/v1/experiments/" + encodeURIComponent(e.name) + "/results");
    const metrics = Object.keys(r.arms[0].metrics);
    cards.push(el("div", { class: "card experiment", "data-name": e.name },
      el("h3", {}, e.name + (e.active ? " (active)" : " (inactive)")),
      el("p", { class: "muted" }, `Primary metric: ${r.primary_metric}; compared with: ${r.control || "no arm without personalization"}.`),
      el("table", {},
        el("thead", {}, el("tr", {}, ["Arm", "Share", "Users", "Contexts", r.primary_metric + " [95% CI]", "Lift [95% CI]", "Verdict"].map((h) => el("th", {}, h)))),
        el("tbody", {}, r.arms.map((a) => el("tr", {},
          el("td", {}, a.arm + (a.personalize ? "" : " (no personalization)")),
          el("td", { class: "num" }, fmt.pct(a.share)),
          el("td", { class: "num" }, fmt.int(a.users)),
          el("td", { class: "num" }, fmt.int(a.contexts)),
          el("td", {}, fmt.est(a.metrics[r.primary_metric])),
          el("td", {}, a.arm === r.control ? "(control)" : fmt.est(a.lift[r.primary_metric])),
          el("td", { class: "verdict verdict-" + a.verdict.replace(/ /g, "-") }, a.arm === r.control ? "–" : a.verdict))))),
      el("details", {},
        el("summary", {}, "Every metric"),
        el("table", {},
          el("thead", {}, el("tr", {}, ["Arm", ...metrics].map((h) => el("th", {}, h)))),
          el("tbody", {}, r.arms.map((a) => el("tr", {}, el("td", {}, a.arm),
            metrics.map((m) => el("td", {}, fmt.est(a.metrics[m]) + (a.arm === r.control ? "" : "; lift " + fmt.est(a.lift[m]) + " (" + a.verdicts[m] + ")"))))))))));
  }
  list.replaceChildren(...cards);
}

// ---- users ----

const USERS_PAGE = 10;
let usersOffset = 0;

$("user-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadUsers(0); });
$("users-prev").addEventListener("click", () => loadUsers(Math.max(0, usersOffset - USERS_PAGE)));
$("users-next").addEventListener("click", () => loadUsers(usersOffset + USERS_PAGE));

// The tenant's users, most recently active first, searched by id, a page at a time.
async function loadUsers(offset) {
  $("user-error").textContent = "";
  const query = $("user-id").value.trim();
  let page;
  try {
    page = await api("GET", "/v1/users?limit=" + (USERS_PAGE + 1) + "&offset=" + offset + "&query=" + encodeURIComponent(query));
  } catch (e) {
    $("user-error").textContent = e.message;
    return;
  }
  usersOffset = offset;
  const more = page.users.length > USERS_PAGE;
  const users = page.users.slice(0, USERS_PAGE);
  $("users-prev").disabled = offset === 0;
  $("users-next").disabled = !more;
  $("users-range").textContent = users.length ? `Users ${offset + 1}–${offset + users.length}` : "";
  $("user-list").replaceChildren(users.length
    ? el("table", { id: "users-table" },
        el("thead", {}, el("tr", {}, ["User", "Last active (UTC)", "Known since"].map((h) => el("th", {}, h)))),
        el("tbody", {}, users.map((u) => el("tr", { "data-user": u.user_id },
          el("td", {}, el("button", { type: "button", class: "link", onclick: () => loadUser(u.user_id) }, u.user_id)),
          el("td", {}, u.last_active || "never observed"),
          el("td", {}, fmt.time(u.since))))))
    : el("p", { class: "muted", id: "no-users" }, query ? `No users match '${query}'.` : "No users yet."));
}

async function loadUser(user) {
  $("user-error").textContent = "";
  const view = $("user-view");
  view.replaceChildren();
  $("user-list").replaceChildren();
  const base = "/v1/users/" + encodeURIComponent(user);
  let profile, memories, contexts;
  try {
    [profile, memories, contexts] = await Promise.all([
      api("GET", base + "/profile"),
      api("GET", base + "/memories?status=all&limit=200"),
      api("GET", base + "/contexts?limit=10"),
    ]);
  } catch (e) {
    $("user-error").textContent = e.status === 404 ? `No user '${user}' in this tenant.` : e.message;
    return;
  }
  const fields = ["name", "role", "expertise", "communication_style", "language"].filter((f) => profile[f]);
  view.append(
    el("div", { class: "card", id: "profile" },
      el("h3", {}, "Profile of " + profile.user_id),
      fields.length || profile.preferences.length
        ? el("ul", {}, fields.map((f) => el("li", {}, f.replace(/_/g, " ") + ": " + profile[f])),
            profile.preferences.map((p) => el("li", {}, "preference: " + p)))
        : el("p", { class: "muted" }, "No explicit profile fields."),
      el("p", { class: "muted" }, "Org: " + (profile.org_id || "none") + "; known since " + fmt.time(profile.created_at))),
    el("h3", {}, "Memories"),
    memoryTable(user, memories.memories),
    el("h3", {}, "Last contexts"),
    contextTable(contexts.contexts, memories.memories));
}

function memoryTable(user, memories) {
  if (!memories.length) return el("p", { class: "muted" }, "No memories.");
  return el("table", { id: "memories" },
    el("thead", {}, el("tr", {}, ["Memory", "Category", "Status", "Confidence", "Origin and sources", "Actions"].map((h) => el("th", {}, h)))),
    el("tbody", {}, memories.map((m) => {
      const row = el("tr", { "data-memory": m.id },
        el("td", {}, el("div", { class: "memory-text" }, m.text), el("div", { class: "muted" }, m.id)),
        el("td", {}, m.category),
        el("td", {}, m.status + (m.dormant ? " (dormant)" : "") + (m.pinned ? " (pinned)" : "")),
        el("td", { class: "num" }, fmt.num(m.effective_confidence)),
        el("td", {}, m.origin, el("div", { class: "muted" }, m.sources.map((s) => s.message_id).join(", "))),
        el("td", {}, m.status === "active" ? actions(user, m) : "", el("button", { type: "button", onclick: () => history(user, m, row) }, "History")));
      return row;
    })));
}

function actions(user, m) {
  const base = "/v1/users/" + encodeURIComponent(user) + "/memories/" + encodeURIComponent(m.id);
  const confirmDelete = el("button", { type: "button", class: "danger confirm-delete", hidden: true,
    onclick: async () => { await act(() => api("DELETE", base)); loadUser(user); } }, "Confirm delete");
  return [
    el("button", { type: "button", onclick: async () => { await act(() => api("PATCH", base, { pinned: !m.pinned })); loadUser(user); } }, m.pinned ? "Unpin" : "Pin"),
    el("button", { type: "button", class: "edit", onclick: (ev) => editForm(user, m, base, ev.target.closest("tr")) }, "Edit"),
    el("button", { type: "button", class: "danger delete", onclick: (ev) => { ev.target.hidden = true; confirmDelete.hidden = false; confirmDelete.focus(); } }, "Delete"),
    confirmDelete,
  ];
}

// Editing happens in a form in the memory's row: the text in a field, saved or cancelled there.
function editForm(user, m, base, row) {
  const cell = row.querySelector(".memory-text");
  const input = el("input", { class: "edit-text", "aria-label": "New text for this memory", maxlength: "2000" });
  input.value = m.text;
  const form = el("form", { class: "edit-form" }, input,
    el("button", { type: "submit", class: "save" }, "Save"),
    el("button", { type: "button", class: "cancel", onclick: () => loadUser(user) }, "Cancel"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) { $("user-error").textContent = "A memory's text cannot be empty."; return; }
    if (text !== m.text) { await act(() => api("PATCH", base, { text })); }
    loadUser(user);
  });
  cell.replaceChildren(form);
  input.focus();
}

async function act(call) {
  try { await call(); } catch (e) { $("user-error").textContent = e.message; }
}

async function history(user, m, row) {
  const h = await api("GET", "/v1/users/" + encodeURIComponent(user) + "/memories/" + encodeURIComponent(m.id) + "/history");
  const list = el("ul", { class: "history" }, h.changes.map((c) =>
    el("li", {}, fmt.time(c.at) + ": " + c.kind + " by " + c.actor + (c.after ? " → " + c.after : ""))));
  row.after(el("tr", {}, el("td", { colspan: "6" }, list)));
}

// What an injected item was, for people: a memory's text, a profile or org field's name, or which
// kind of message (records keep ids, never the message's text).
function itemLabel(i, memoryText) {
  if (memoryText.has(i.id)) return memoryText.get(i.id);
  if (i.kind === "profile" || i.kind === "org") return i.kind + " field: " + i.id.replace(/^(profile|org)\./, "").replace(/[_.]/g, " ");
  if (i.kind === "fact") return "a memory since deleted or replaced";
  return i.block === "session" ? "a message of this session" : "an earlier message";
}

function contextTable(records, memories) {
  if (!records.length) return el("p", { class: "muted" }, "No contexts recorded.");
  const text = new Map(memories.map((m) => [m.id, m.text]));
  return el("table", { id: "contexts" },
    el("thead", {}, el("tr", {}, ["Served", "Arm", "Tokens", "Items (used by the reply in green)"].map((h) => el("th", {}, h)))),
    el("tbody", {}, records.map((r) => el("tr", {},
      el("td", {}, fmt.time(r.at), el("div", { class: "muted" }, r.context_id)),
      el("td", {}, r.arm || "–"),
      el("td", { class: "num" }, r.tokens + " / " + r.budget),
      el("td", {}, r.items.map((i) => el("span", { class: "tag" + (i.used ? " used" : ""), title: i.block + " · " + i.kind + " · " + i.tokens + " tokens · " + i.id },
        itemLabel(i, text))),
        r.utilized_at ? "" : el("span", { class: "muted" }, " (no reply observed)"))))));
}

// ---- audit ----

async function loadAudit() {
  const list = $("audit-list");
  try {
    const page = await api("GET", "/v1/audit?limit=200");
    list.replaceChildren(el("table", { id: "audit-table" },
      el("thead", {}, el("tr", {}, ["When", "Door", "Key", "Role", "Action", "User", "Target", "Status"].map((h) => el("th", {}, h)))),
      el("tbody", {}, page.entries.map((e) => el("tr", {},
        el("td", {}, fmt.time(e.at)), el("td", {}, e.door), el("td", {}, e.key_id), el("td", {}, e.role), el("td", {}, e.action),
        el("td", {}, e.user_id || ""), el("td", {}, e.target || ""), el("td", { class: "num" }, e.status))))));
  } catch (e) {
    list.replaceChildren(el("p", { class: "error" }, e.message));
  }
}

// A key already in this tab's session: straight in.
if (sessionStorage.getItem(KEY)) {
  api("GET", "/v1/effectiveness?granularity=hour").then((s) => { showTenant(s); showApp(true); }, () => { sessionStorage.removeItem(KEY); showApp(false); });
}
