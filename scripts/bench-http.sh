#!/usr/bin/env bash
# HTTP benchmark with wrk against a grain-backed read (GET org) and write (PATCH org) on one node
# (SQLite, PostgreSQL) and three nodes (PostgreSQL), beside pgbench's single-row update rate.
# Usage: scripts/bench-http.sh [seconds=10] [connections=16]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"; conns="${2:-16}"
command -v wrk >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
source scripts/postgres.sh >/dev/null
work="$(mktemp -d)"; sqlite_pid=""
trap '[ -n "$sqlite_pid" ] && kill "$sqlite_pid" 2>/dev/null; for c in c1 c3; do CLUSTER_DIR="$work/$c" scripts/cluster.sh stop >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT

create_org() { # $1 = base url → prints "orgId token"
  curl -sf -X POST "$1/api/orgs" -H "X-Operator-Key: $Operator__Key" -H 'content-type: application/json' \
    -d '{"name":"Bench","plan":"ultimate","timeZone":"Asia/Tokyo","domain":"bench.test","admin":{"email":"a@bench.test","name":"A"}}' |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["adminToken"])'
}

run_wrk() { # $1 = label, $2 = script, rest = base urls (connections split across them)
  local label="$1" script="$2"; shift 2
  local per=$(( conns / $# )); [ "$per" -ge 2 ] || per=2
  local pids=() i=0
  for url in "$@"; do
    wrk -t2 -c"$per" -d"${secs}s" --latency -s "$script" "$url/api/orgs/$ORG" >"$work/wrk.$i" 2>&1 & pids+=($!); i=$((i + 1))
  done
  wait "${pids[@]}"
  python3 - "$label" "$work"/wrk.* <<'PY'
import re, sys
label, files = sys.argv[1], sys.argv[2:]
total, p50, p99 = 0.0, [], []
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    if not m: raise SystemExit(f"unreadable wrk latency {v!r}")
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m.group(2)]
for f in files:
    t = open(f).read()
    if "Requests/sec" not in t: raise SystemExit(f"wrk failed:\n{t}")
    total += float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    p50.append(ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1))); p99.append(ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1)))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    if non2xx: print(f"  ({f}: {non2xx.group(1)} non-2xx responses)", file=sys.stderr)
print(f"| {label} | {total:,.0f} | {max(p50):.2f} | {max(p99):.2f} |")
PY
  rm -f "$work"/wrk.*
}

export Operator__Key="bench-$(date +%s)"
dotnet build src/Silo -c Release --nologo -v quiet >/dev/null
echo "| setup | req/s | p50 ms | p99 ms |"
echo "|---|---|---|---|"

# One node, SQLite.
(cd src/Silo && Storage__Provider=sqlite Storage__DataDirectory="$work/sqlite" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  exec dotnet bin/Release/net10.0/CrmActors.Silo.dll --urls http://127.0.0.1:5191) >"$work/sqlite.log" 2>&1 &
sqlite_pid=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:5191/health/ready >/dev/null && break; sleep 0.2; done
read -r ORG CRM_TOKEN < <(create_org http://127.0.0.1:5191); export ORG CRM_TOKEN
run_wrk "1 node, SQLite — read (GET org)" bench/http/get-org.lua http://127.0.0.1:5191
run_wrk "1 node, SQLite — write (PATCH org)" bench/http/patch-org.lua http://127.0.0.1:5191
kill "$sqlite_pid"

# One node, then three nodes, PostgreSQL.
for n in 1 3; do
  db="crm_bench_http_$n"
  psql -d postgres -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; psql -d postgres -qc "CREATE DATABASE $db"
  ConnectionStrings__Crm="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=$db;Maximum Pool Size=50" CLUSTER_DIR="$work/c$n" CLUSTER_BASE_PORT=5200 \
    scripts/cluster.sh start "$n" >/dev/null
  urls=(); for i in $(seq 1 "$n"); do urls+=("http://127.0.0.1:$((5199 + i))"); done
  read -r ORG CRM_TOKEN < <(create_org "${urls[0]}"); export ORG CRM_TOKEN
  run_wrk "$n node(s), PostgreSQL — read (GET org)" bench/http/get-org.lua "${urls[@]}"
  run_wrk "$n node(s), PostgreSQL — write (PATCH org)" bench/http/patch-org.lua "${urls[@]}"
  CLUSTER_DIR="$work/c$n" scripts/cluster.sh stop >/dev/null
done

# Reference: PostgreSQL's own single-row update rate, same server, same number of clients.
psql -d postgres -qc "SET client_min_messages = warning; DROP TABLE IF EXISTS bench_counter; CREATE TABLE bench_counter (id int PRIMARY KEY, value bigint); INSERT INTO bench_counter VALUES (1, 0)"
pgbench -n -c "$conns" -j 2 -T "$secs" -f bench/http/single-row-update.sql postgres 2>/dev/null | python3 -c '
import re, sys
t = sys.stdin.read()
tps = float(re.search(r"tps = ([\d.]+)", t).group(1)); lat = float(re.search(r"latency average = ([\d.]+) ms", t).group(1))
print(f"| pgbench single-row UPDATE (reference) | {tps:,.0f} | {lat:.2f} (avg) | |")'
