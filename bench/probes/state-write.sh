#!/bin/bash
# PostgreSQL's cost of Orleans's state write for a 6 KB organization state: writetostorage() against a plain UPDATE,
# on the table as Orleans makes it and with fillfactor 50; pgbench, 16 clients, each its own grain row. Beside it, in the
# same run, the HTTP bench's reference: pgbench's spread UPDATE of a counter row (bench/http/update-spread.sql).
cd "$(dirname "$0")/../.."; source scripts/postgres.sh >/dev/null; set +e
db=crm_wts_probe; secs=${1:-10}
hex=$(xxd -p -c 0 bench/probes/organization-state.json)
w=$(mktemp -d)
psql -d postgres -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d $db -q -f src/Silo/Schema/Orleans/PostgreSQL-Main.sql -f src/Silo/Schema/Orleans/PostgreSQL-Persistence.sql >/dev/null
psql -d $db -q -c "CREATE TABLE bench_counter (id int PRIMARY KEY, value bigint NOT NULL)" -c "INSERT INTO bench_counter SELECT g, 0 FROM generate_series(1, 16) g"
cp bench/http/update-spread.sql "$w/reference.sql"
for i in $(seq 0 15); do psql -d $db -qAtc "SELECT * FROM writetostorage($i, $i, $i, 1, 'organization', NULL, 'crmactors', NULL, decode('$hex', 'hex'))" >/dev/null; done
cat >$w/wts.sql <<SQL
SELECT version AS v FROM orleansstorage WHERE grainidhash = :client_id AND graintypehash = 1 \gset
SELECT * FROM writetostorage(:client_id, :client_id, :client_id, 1, 'organization', NULL, 'crmactors', :v, decode('$hex', 'hex'));
SQL
cat >$w/plain.sql <<SQL
SELECT version AS v FROM orleansstorage WHERE grainidhash = :client_id AND graintypehash = 1 \gset
UPDATE orleansstorage SET payloadbinary = decode('$hex', 'hex'), modifiedon = (now() at time zone 'utc'), version = version + 1 WHERE grainidhash = :client_id AND graintypehash = 1 AND grainidn0 = :client_id AND grainidn1 = :client_id AND graintypestring = 'organization' AND grainidextensionstring IS NULL AND serviceid = 'crmactors' AND version = :v RETURNING version;
SQL
pg_pid=$(head -1 "$pgdir/db/postmaster.pid")
pgcpu() { scripts/cpu-seconds.py "tree:$pg_pid"; }
run() { local c0=$(pgcpu); local out=$(pgbench -n -c 16 -j 2 -T $secs -f $w/$1.sql $db 2>&1); local c1=$(pgcpu)
  local tps=$(echo "$out" | grep -oP 'tps = \K[\d.]+'); local n=$(echo "$out" | grep -oP 'processed: \K\d+')
  echo "$2 $1: $tps tps, PostgreSQL $(python3 -c "print(round(($c1-$c0)*1e6/$n))") µs/tx"; }
for r in 1 2; do
  run reference "r$r"
  psql -d $db -q -c "ALTER TABLE orleansstorage SET (fillfactor = 100)" -c "VACUUM FULL orleansstorage"
  run wts "r$r ff100"; run plain "r$r ff100"
  psql -d $db -q -c "ALTER TABLE orleansstorage SET (fillfactor = 50)" -c "VACUUM FULL orleansstorage"
  run wts "r$r ff50"; run plain "r$r ff50"
done
psql -d $db -Atc "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'orleansstorage'"
psql -d postgres -q -c "DROP DATABASE $db"; rm -rf $w
