"use strict";
// Mailbox backups section: polls /api/dashboard/mail-backups with the dashboard's credentials while visible.
(() => {
  const num = value => ({ text: value, className: "num" });

  async function refreshMailBackups() {
    const auth = credentials();
    if (auth && document.visibilityState === "visible") {
      const response = await fetch("/api/dashboard/mail-backups", { headers: headers(auth) });
      if (response.ok) {
        const orgs = await response.json();
        fill("mail-backups", orgs.flatMap(o => o.backups.map(b => [
          o.name, b.userEmail ?? b.userId, b.kind, { text: b.status, className: b.status }, when(b.startedAt), when(b.finishedAt),
          num(b.counts.onServer), num(b.counts.stored), num(b.counts.notLinked), num(b.counts.headersOnly), num(b.counts.links), b.error,
        ])));
      }
    }
    setTimeout(() => refreshMailBackups().catch(() => {}), refreshMs);
  }

  refreshMailBackups().catch(() => {});
})();
