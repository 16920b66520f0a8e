#!/usr/bin/env bash
# HTTP benchmark: one real Silo process (Release build, Storage__Provider=postgres on the private PostgreSQL of
# scripts/postgres.sh) under wrk — GET /api/orgs/{org} (token lookup + read-only organization-grain call) and
# PATCH /api/orgs/{org} (one organization-grain write + its audit row) — on one org (hot) and round-robin over
# 16 orgs (spread); beside it, in the same run and on the same server, pgbench with as many clients updating
# 1 row (hot) and a random row of 16 (spread) for the same duration. Prints req/s, p50, p99 and the ratios.
# Also CPU time per request of the Silo process and of PostgreSQL (all its processes), from /proc.
# Usage: scripts/bench-http.sh [seconds=10] [connections=16] [rounds=1]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"; conns="${2:-16}"; rounds="${3:-1}"
command -v wrk >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
source scripts/postgres.sh >/dev/null
work="$(mktemp -d)"; silo_pid=""
trap '[ -n "$silo_pid" ] && kill "$silo_pid" 2>/dev/null; rm -rf "$work"' EXIT

export Operator__Key="bench-$(date +%s)"
dotnet build src/Silo -c Release --nologo -v quiet >/dev/null
db=crm_bench_http
psql -d postgres -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
psql -d postgres -qc "CREATE DATABASE $db"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
(cd src/Silo && Storage__Provider=postgres ConnectionStrings__Crm="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=$db;Maximum Pool Size=50" \
  Storage__DataDirectory="$work/data" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  exec dotnet bin/Release/net10.0/CrmActors.Silo.dll --urls "$url") >"$work/silo.log" 2>&1 &
silo_pid=$!
for _ in $(seq 1 150); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.2; done
curl -sf "$url/health/ready" >/dev/null || { echo "the Silo did not become ready:"; cat "$work/silo.log"; exit 1; }

# 16 organizations, each with its admin's token, as a Lua table for bench/http/org.lua.
echo "return {" >"$work/orgs.lua"
for i in $(seq 1 16); do
  curl -sf -X POST "$url/api/orgs" -H "X-Operator-Key: $Operator__Key" -H 'content-type: application/json' \
    -d "{\"name\":\"Bench $i\",\"plan\":\"ultimate\",\"timeZone\":\"Asia/Tokyo\",\"domain\":\"bench$i.test\",\"admin\":{\"email\":\"a@bench$i.test\",\"name\":\"A\"}}" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print("  { id = \"%s\", token = \"%s\" }," % (d["id"], d["adminToken"]))' >>"$work/orgs.lua"
done
echo "}" >>"$work/orgs.lua"
export CRM_ORGS="$work/orgs.lua"
psql -d "$db" -q -c "SET client_min_messages = warning" \
  -c "CREATE TABLE bench_counter (id int PRIMARY KEY, value bigint NOT NULL)" -c "INSERT INTO bench_counter SELECT g, 0 FROM generate_series(1, 16) g"
# CPU seconds so far of the Silo process and of PostgreSQL (postmaster + live backends + the backends it reaped).
cpu() { scripts/cpu-seconds.py "$silo_pid" "tree:$(head -1 "${CRM_PGDATA:-.pgdata}/db/postmaster.pid")"; }
audit_updates() { psql -d "$db" -tAc "SELECT count(*) FROM audit_log WHERE action = 'update' AND setting = 'organization'"; }

wrk_run() { # $1 = round, $2 = shape (hot|spread), $3 = GET|PATCH, $4 = seconds, $5 = measured (1) or warm-up (0)
  local spread=1; [ "$2" = spread ] && spread=16
  local before cpu0; before="$(audit_updates)"; cpu0="$(cpu)"
  CRM_METHOD="$3" CRM_SPREAD="$spread" wrk -t2 -c"$conns" -d"$4s" --latency -s bench/http/org.lua "$url/" >"$work/wrk.out" 2>&1
  [ "$5" = 1 ] || return 0
  python3 - "$1" "$2" "$3" "$work/wrk.out" "$before" "$(audit_updates)" $cpu0 $(cpu) >>"$work/results" <<'PY'
import json, re, sys
rnd, shape, method, path, before, after, s0, p0, s1, p1 = sys.argv[1:]
t = open(path).read()
if "Requests/sec" not in t: raise SystemExit(f"wrk failed:\n{t}")
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m.group(2)]
requests = int(re.search(r"(\d+) requests in", t).group(1))
non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", t) or [0, 0])[1])
errors = re.search(r"Socket errors: .*", t)
print(json.dumps({"round": rnd, "shape": shape, "kind": method, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)),
    "p50": ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1)), "p99": ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1)),
    "requests": requests, "non2xx": non2xx, "errors": errors.group(0) if errors else "", "audit": int(after) - int(before),
    "silo_us": (float(s1) - float(s0)) * 1e6 / requests, "pg_us": (float(p1) - float(p0)) * 1e6 / requests}))
PY
}

pgbench_run() { # $1 = round, $2 = shape
  rm -f "$work"/pgb.*
  local cpu0; cpu0="$(cpu)"
  (cd "$work" && pgbench -n -c "$conns" -j 2 -T "$secs" -l --log-prefix=pgb -f "$OLDPWD/bench/http/update-$2.sql" "$db" >"$work/pgbench.out" 2>&1)
  python3 - "$1" "$2" "$work/pgbench.out" $cpu0 $(cpu) "$work"/pgb.* >>"$work/results" <<'PY'
import json, re, sys
rnd, shape, out, s0, p0, s1, p1, logs = sys.argv[1], sys.argv[2], open(sys.argv[3]).read(), *sys.argv[4:8], sys.argv[8:]
lat = sorted(int(line.split()[2]) / 1000 for f in logs for line in open(f))
tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
print(json.dumps({"round": rnd, "shape": shape, "kind": "pgbench", "rps": tps, "p50": lat[len(lat) // 2], "p99": lat[int(len(lat) * 0.99)],
    "requests": len(lat), "non2xx": 0, "errors": "", "audit": 0, "silo_us": (float(s1) - float(s0)) * 1e6 / len(lat), "pg_us": (float(p1) - float(p0)) * 1e6 / len(lat)}))
PY
}

# Unmeasured warm-up: JIT, grain activations, connection pools.
for kind in GET PATCH; do wrk_run 0 spread "$kind" 3 0; done
for r in $(seq 1 "$rounds"); do
  for shape in hot spread; do
    wrk_run "$r" "$shape" GET "$secs" 1
    wrk_run "$r" "$shape" PATCH "$secs" 1
    pgbench_run "$r" "$shape"
  done
done

python3 - "$work/results" "$secs" "$conns" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
secs, conns = sys.argv[2], sys.argv[3]
names = {"GET": "GET /api/orgs/{org}", "PATCH": "PATCH /api/orgs/{org}", "pgbench": "pgbench UPDATE (reference)"}
print(f"{conns} connections / clients, {secs} s each, one Silo process on PostgreSQL")
print()
print("| round | shape | request | req/s | p50 ms | p99 ms | Silo CPU µs/req | PostgreSQL CPU µs/req | checks |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    checks = []
    if r["non2xx"]: checks.append(f"{r['non2xx']} non-2xx")
    if r["errors"]: checks.append(r["errors"])
    if r["kind"] == "PATCH": checks.append(f"{r['audit']:,} audit rows for {r['requests']:,} responses")
    print(f"| {r['round']} | {r['shape']} | {names[r['kind']]} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['silo_us']:,.0f} | {r['pg_us']:,.0f} | {'; '.join(checks)} |")
print()
print("| round | shape | reads / pgbench (target ≥ 3×) | writes / pgbench (target ≥ 0.8×) |")
print("|---|---|---|---|")
by = {(r["round"], r["shape"], r["kind"]): r["rps"] for r in rows}
for (rnd, shape, kind), tps in by.items():
    if kind != "pgbench": continue
    reads, writes = by[(rnd, shape, "GET")] / tps, by[(rnd, shape, "PATCH")] / tps
    print(f"| {rnd} | {shape} | {reads:.2f}× {'✓' if reads >= 3 else f'(misses by {3 / reads:.1f}×)'} | {writes:.2f}× {'✓' if writes >= 0.8 else f'(misses by {0.8 / writes:.1f}×)'} |")
PY
