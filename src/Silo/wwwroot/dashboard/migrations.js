"use strict";
// The migrations section: its own endpoint, polled beside the main dashboard while the page is visible.
(() => {
  const refreshMs = 3000;
  let timer = null;

  async function refreshMigrations() {
    const auth = credentials();
    if (!auth) return;
    const response = await fetch("/api/dashboard/migrations", { headers: headers(auth) });
    if (!response.ok) return;
    const jobs = await response.json();
    fill("migrations", jobs.map(m => [
      m.orgId, m.id, m.sourceSystem, { text: m.status, className: m.status }, progress(m.progress),
      { text: m.files, className: "num" }, when(m.secondPassAt), m.notification,
    ]));
  }

  function scheduleMigrations() {
    clearTimeout(timer);
    if (document.visibilityState === "visible" && credentials()) {
      refreshMigrations().catch(() => {}).finally(() => { timer = setTimeout(scheduleMigrations, refreshMs); });
    } else {
      timer = setTimeout(scheduleMigrations, refreshMs);
    }
  }

  scheduleMigrations();
})();
