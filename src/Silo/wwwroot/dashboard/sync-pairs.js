"use strict";
// The contact-sync section: each organization's sync pairs with their last run and errors.
(() => {
  function counts(c) {
    if (!c) return "";
    return `CRM +${c.crmCreated} ~${c.crmUpdated} -${c.crmDeleted} · remote +${c.remoteCreated} ~${c.remoteUpdated} -${c.remoteDeleted}` +
      ` · conflicts ${c.conflicts} · skipped ${c.skipped} · deferred ${c.deferred}`;
  }

  pollSection("/api/dashboard/sync-pairs", 5000, pairs => fill("sync-pairs", pairs.map(p => [
    p.orgName, p.module, p.owner, p.direction,
    { text: p.running ? "running" : p.enabled ? "enabled" : "disabled", className: p.running ? "running" : p.enabled ? "healthy" : "" },
    when(p.lastSyncAt),
    { text: `${p.lastRunStatus ?? "never"} ${counts(p.lastCounts)}`, className: p.lastRunStatus ?? "" },
    p.errors.join("; "),
  ])));
})();
