"use strict";
// The contact-sync section: each organization's sync pairs with their last run and errors, from
// /api/dashboard/sync-pairs, polled with the signed-in credentials while the page is visible.
(() => {
  const everyMs = 5000;
  let timer = null;

  function counts(c) {
    if (!c) return "";
    return `CRM +${c.crmCreated} ~${c.crmUpdated} -${c.crmDeleted} · remote +${c.remoteCreated} ~${c.remoteUpdated} -${c.remoteDeleted}` +
      ` · conflicts ${c.conflicts} · skipped ${c.skipped} · deferred ${c.deferred}`;
  }

  async function refresh() {
    const saved = sessionStorage.getItem("crm-dashboard");
    if (!saved) return;
    const auth = JSON.parse(saved);
    const response = await fetch("/api/dashboard/sync-pairs", { headers: headers(auth) });
    if (!response.ok) return;
    const pairs = await response.json();
    fill("sync-pairs", pairs.map(p => [
      p.orgName, p.module, p.owner, p.direction,
      { text: p.running ? "running" : p.enabled ? "enabled" : "disabled", className: p.running ? "running" : p.enabled ? "healthy" : "" },
      when(p.lastSyncAt),
      { text: `${p.lastRunStatus ?? "never"} ${counts(p.lastCounts)}`, className: p.lastRunStatus ?? "" },
      p.errors.join("; "),
    ]));
  }

  function poll() {
    clearTimeout(timer);
    if (document.visibilityState === "visible" && sessionStorage.getItem("crm-dashboard")) {
      refresh().catch(() => {}).finally(() => { timer = setTimeout(poll, everyMs); });
    } else {
      timer = setTimeout(poll, everyMs);
    }
  }

  document.addEventListener("visibilitychange", poll);
  poll();
})();
