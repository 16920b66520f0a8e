"use strict";
// Mailbox backups section: each organization's backups with their state and counts.
(() => {
  const num = value => ({ text: value, className: "num" });

  pollSection("/api/dashboard/mail-backups", refreshMs, orgs => fill("mail-backups", orgs.flatMap(o => o.backups.map(b => [
    o.name, b.userEmail ?? b.userId, b.kind, { text: b.status, className: b.status }, when(b.startedAt), when(b.finishedAt),
    num(b.counts.onServer), num(b.counts.stored), num(b.counts.notLinked), num(b.counts.headersOnly), num(b.counts.links), b.error,
  ]))));
})();
