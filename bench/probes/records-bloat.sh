#!/bin/bash
# COPY of 300,000 rows into a table like records: fresh, beside 300,000 live rows of another org, beside those and
# 300,000 deleted rows (not vacuumed), and after VACUUM.

cd "$(dirname "$0")/../.."; source scripts/postgres.sh >/dev/null; set +e
csv=$(mktemp --suffix=.csv); trap 'rm -f "$csv"' EXIT
db=crm_bloat_probe
psql -d postgres -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
# records as the product makes it: the same columns and indexes.
psql -d $db -q -f src/Silo/Schema/Crm/0001-crm-tables.sql
psql -d $db -q <<SQL
CREATE TABLE src AS SELECT '01a2' || lpad(to_hex(g), 12, '0') || '7000' || substr(md5(g::text), 1, 12) AS id, 'orgA' || repeat('0', 28) AS org_id,
  (ARRAY['Accounts','Contacts','Contacts','Leads','Deals'])[1 + g % 5] AS module, 'user' || repeat('1', 28) AS owner_id, 1765000000000 + g AS created_at,
  'user' || repeat('1', 28) AS created_by, 1765000000000 + g AS modified_at, 'user' || repeat('1', 28) AS modified_by,
  CASE WHEN g % 5 IN (1, 2, 3) THEN 'person' || g || '@example.com' END AS email, CASE WHEN g % 5 = 4 THEN '01a2' || lpad(to_hex(g / 5), 12, '0') || '7000' || substr(md5((g / 5)::text), 1, 12) END AS parent_id,
  json_build_object('Last_Name', 'Name ' || g, 'First_Name', 'First ' || g, 'Phone', '+81-3-' || g, 'Description', repeat('x', 200))::text AS data
  FROM generate_series(1, 300000) g;
\copy src TO '$csv' WITH (FORMAT csv)
SQL
load() { psql -d $db -q -c "\\timing on" -c "\\copy $1 (id, org_id, module, owner_id, created_at, created_by, modified_at, modified_by, email, parent_id, data) FROM '$csv' WITH (FORMAT csv)" | grep Time; }
other() { psql -d $db -q -c "INSERT INTO $1 (id, org_id, module, owner_id, created_at, created_by, modified_at, modified_by, email, parent_id, data)
  SELECT '01a3' || substr(id, 5), 'orgB' || substr(org_id, 5), module, owner_id, created_at, created_by, modified_at, modified_by, email, parent_id, data FROM src"; }
for round in 1 2; do
  for shape in fresh live dead vacuumed; do
    psql -d $db -q -c "DROP TABLE IF EXISTS t" -c "CREATE TABLE t (LIKE records INCLUDING ALL)"
    case $shape in
      live) other t; psql -d $db -q -c "VACUUM ANALYZE t";;
      dead) other t; load t >/dev/null; psql -d $db -q -c "VACUUM ANALYZE t" -c "DELETE FROM t WHERE org_id LIKE 'orgA%'";;
      vacuumed) other t; load t >/dev/null; psql -d $db -q -c "DELETE FROM t WHERE org_id LIKE 'orgA%'" -c "VACUUM ANALYZE t";;
    esac
    psql -d $db -q -c "CHECKPOINT"
    echo "round $round $shape: $(load t) size after: $(psql -d $db -Atc "SELECT pg_size_pretty(pg_total_relation_size('t'))")"
  done
done
psql -d postgres -q -c "DROP DATABASE $db"
