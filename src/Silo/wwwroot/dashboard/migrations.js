"use strict";
// The migrations section: each organization's migrations with their state and progress.
pollSection("/api/dashboard/migrations", 3000, jobs => fill("migrations", jobs.map(m => [
  m.orgId, m.id, m.sourceSystem, { text: m.status, className: m.status }, progress(m.progress),
  { text: m.files, className: "num" }, when(m.secondPassAt), m.notification,
])));
