-- pgbench reference, spread shape: each transaction updates one random row of 16.
\set id random(1, 16)
UPDATE bench_counter SET value = value + 1 WHERE id = :id;
