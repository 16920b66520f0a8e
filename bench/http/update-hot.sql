-- pgbench reference, hot shape: every client updates the same row (one statement, one commit).
UPDATE bench_counter SET value = value + 1 WHERE id = 1;
