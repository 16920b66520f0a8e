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
  const seconds = state.previous ? (new Date(data.generatedAt) - new Date(state.previous.generatedAt)) / 1000 : 0;
  const before = new Map((state.previous?.grains ?? []).map(g => [g.type, g.calls]));
  $("#scope").textContent = data.scope === "cluster" ? "whole cluster" : "organization " + data.scope;
  $("#updated").textContent = "updated " + new Date(data.generatedAt).toLocaleTimeString();
  $("#node-count").textContent = `(${data.nodes.filter(n => n.status === "healthy").length} healthy)`;
  fill("nodes", data.nodes.map(n => [n.name, n.address, { text: n.status, className: n.status }, when(n.startedAt), when(n.heartbeatAt)]));
  fill("grains", data.grains.map(g => {
    const rate = seconds > 0 && before.has(g.type) ? Math.max(0, (g.calls - before.get(g.type)) / seconds) : 0;
    return [g.type, { text: g.active, className: "num" }, { text: rate.toFixed(1), className: "num" }, { text: g.calls, className: "num" },
      { text: g.errors, className: "num" }, { text: g.averageLatencyMs.toFixed(2), className: "num" }];
  }));
  fill("jobs", data.jobs.map(j => [j.kind, j.grainKey, { text: j.status, className: j.status }, j.node, progress(j.progress), j.attempts, when(j.createdAt), j.error]));
  fill("organizations", data.organizations.map(o => [
    o.name, o.plan,
    { text: `${o.backup.frequency ?? "none"} (${o.backup.status})`, className: o.backup.status },
    when(o.backup.nextBackupAt),
    o.backup.latestBackupId ? { text: o.backup.latestStatus, className: o.backup.latestStatus } : "",
    { text: o.backup.quotaRemaining, className: "num" },
    o.configCopies.map(c => `${c.sourceOrgName}: ${c.status}${c.failureReason ? " — " + c.failureReason : ""}`).join("; "),
  ]));
  fill("reminders", data.reminders.map(r => [r.grainType, r.grainKey, r.name, when(r.nextDue), when(r.lastFired)]));
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

function show(signedIn) {
  $("#sign-in").hidden = signedIn;
  $("#board").hidden = !signedIn;
  $("#sign-out").hidden = !signedIn;
}

function signOut(message) {
  sessionStorage.removeItem("crm-dashboard");
  state.previous = null;
  show(false);
  $("#sign-in-error").textContent = message ?? "";
}

$("#sign-in").addEventListener("submit", event => {
  event.preventDefault();
  const kind = document.querySelector("input[name=kind]:checked").value;
  sessionStorage.setItem("crm-dashboard", JSON.stringify({ kind, secret: $("#secret").value.trim() }));
  $("#secret").value = "";
  show(true);
  schedule();
});
$("#sign-out").addEventListener("click", () => signOut());
document.addEventListener("visibilitychange", schedule);

show(Boolean(credentials()));
schedule();
