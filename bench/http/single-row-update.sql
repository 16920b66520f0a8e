-- pgbench reference: the PostgreSQL single-row update rate (every client updates the same row).
UPDATE bench_counter SET value = value + 1 WHERE id = 1;
