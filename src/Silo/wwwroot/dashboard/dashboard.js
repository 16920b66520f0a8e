"use strict";
// The dashboard polls /api/dashboard only while the page is visible, so nobody watching costs nothing.
const refreshMs = 2000;
const state = { previous: null, timer: null };

const $ = selector => document.querySelector(selector);
const when = value => value ? new Date(value).toLocaleString() : "";

function credentials() {
  const saved = sessionStorage.getItem("crm-dashboard");
  return saved ? JSON.parse(saved) : null;
}

function headers(auth) {
  return auth.kind === "operator" ? { "X-Operator-Key": auth.secret } : { "Authorization": "Bearer " + auth.secret };
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    if (cell instanceof Node) td.append(cell);
    else if (typeof cell === "object" && cell !== null) { td.textContent = cell.text; if (cell.className) td.className = cell.className; }
    else td.textContent = cell ?? "";
    tr.append(td);
  }
  return tr;
}

function fill(id, rows) {
  const body = $(`#${id} tbody`);
  body.replaceChildren(...rows.map(row));
}

function progress(value) {
  const bar = document.createElement("progress");
  bar.max = 1;
  bar.value = value;
  bar.title = Math.round(value * 100) + "%";
  return bar;
}

function render(data) {
  $("#scope").textContent = data.scope === "cluster" ? "whole cluster" : "organization " + data.scope;
  $("#updated").textContent = "updated " + new Date(data.generatedAt).toLocaleTimeString();
  $("#node-count").textContent = `(${data.nodes.filter(n => n.status === "healthy").length} healthy)`;
  fill("nodes", data.nodes.map(n => [n.name, n.address, { text: n.status, className: n.status }, when(n.startedAt), when(n.heartbeatAt)]));
  fill("grains", data.grains.map(g => [g.type, { text: g.activations, className: "num" }, { text: g.silos, className: "num" }]));
  fill("jobs", data.jobs.map(j => [j.kind, j.ownerKey, { text: j.status, className: j.status }, j.node, progress(j.progress), j.attempts, when(j.requestedAt), j.error]));
  fill("organizations", data.organizations.map(o => [
    o.name, o.plan,
    { text: `${o.backup.frequency ?? "none"} (${o.backup.status})`, className: o.backup.status },
    when(o.backup.nextBackupAt),
    o.backup.latestBackupId ? { text: o.backup.latestStatus, className: o.backup.latestStatus } : "",
    { text: o.backup.quotaRemaining, className: "num" },
    o.configCopies.map(c => `${c.sourceOrgName}: ${c.status}${c.failureReason ? " — " + c.failureReason : ""}`).join("; "),
  ]));
  fill("reminders", data.reminders.map(r => [r.grainType, r.grainKey, r.name, when(r.nextDue), r.period]));
  state.previous = data;
}

async function refresh() {
  const auth = credentials();
  if (!auth) return;
  const response = await fetch("/api/dashboard", { headers: headers(auth) });
  if (response.status === 401 || response.status === 403) {
    const problem = await response.json();
    signOut(problem.detail);
    return;
  }
  if (response.ok) render(await response.json());
  else $("#updated").textContent = `refresh failed (${response.status}); retrying`;
}

function schedule() {
  clearTimeout(state.timer);
  if (document.visibilityState === "visible" && credentials()) {
    refresh().catch(() => {}).finally(() => { state.timer = setTimeout(schedule, refreshMs); });
  }
}

// A section with an endpoint of its own: fetched with the signed-in credentials every everyMs while the page is visible.
function pollSection(path, everyMs, render) {
  let timer = null;
  async function load() {
    const auth = credentials();
    if (!auth || document.visibilityState !== "visible") return;
    const response = await fetch(path, { headers: headers(auth) });
    if (response.ok) render(await response.json());
  }
  function tick() {
    clearTimeout(timer);
    load().catch(() => {}).finally(() => { timer = setTimeout(tick, everyMs); });
  }
  document.addEventListener("visibilitychange", tick);
  tick();
}

function show(signedIn) {
  $("#orleans-link").hidden = !(signedIn && credentials()?.kind === "operator");
  $("#sign-in").hidden = signedIn;
  $("#board").hidden = !signedIn;
  $("#sign-out").hidden = !signedIn;
}

function signOut(message) {
  if (credentials()?.kind === "operator") fetch("/api/dashboard/operator-session", { method: "DELETE" }).catch(() => {});
  sessionStorage.removeItem("crm-dashboard");
  state.previous = null;
  show(false);
  $("#sign-in-error").textContent = message ?? "";
}

$("#sign-in").addEventListener("submit", async event => {
  event.preventDefault();
  const kind = document.querySelector("input[name=kind]:checked").value;
  const auth = { kind, secret: $("#secret").value.trim() };
  if (kind === "operator") {
    // The operator's session cookie opens the Orleans dashboard, which sends no custom headers.
    const session = await fetch("/api/dashboard/operator-session", { method: "POST", headers: headers(auth) });
    if (!session.ok) {
      $("#sign-in-error").textContent = (await session.json()).detail;
      return;
    }
  }
  sessionStorage.setItem("crm-dashboard", JSON.stringify(auth));
  $("#secret").value = "";
  show(true);
  schedule();
});
$("#sign-out").addEventListener("click", () => signOut());
document.addEventListener("visibilitychange", schedule);

show(Boolean(credentials()));
schedule();
