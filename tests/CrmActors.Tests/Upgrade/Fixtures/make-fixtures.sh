#!/usr/bin/env bash
# Regenerates the upgrade fixtures: databases made by the PREVIOUS build (home-made grain runtime,
# commit 4fb17a2) through its HTTP API, on SQLite and PostgreSQL, plus expected.json.
# Usage: make-fixtures.sh [legacy-worktree] [output-dir]
#   legacy-worktree: a checkout of 4fb17a2 (default /work/wt-legacy), built with
#                    `dotnet build -c Release src/Silo` (built here if missing)
#   output-dir:      default: this script's folder
# Needs: dotnet, curl, python3, sqlite3, and the test PostgreSQL (scripts/postgres.sh of the repo).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LEGACY="${1:-/work/wt-legacy}"
OUT="${2:-$here}"
REPO="$(cd "$here/../../../.." && pwd)"
KEY="legacy-operator-key"
DLL="$LEGACY/src/Silo/bin/Release/net10.0/CrmActors.Silo.dll"
[ -f "$DLL" ] || dotnet build -c Release "$LEGACY/src/Silo"
WORK="$(mktemp -d /tmp/legacy-fixtures.XXXXXX)"
echo "work directory: $WORK"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

# call METHOD PATH [curl args...]: prints the body, fails on a status >= 400
call() {
  local method="$1" path="$2"; shift 2
  local out status
  out="$(mktemp)"
  status="$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "$API$path" "$@")"
  if [ "$status" -ge 400 ]; then echo "$method $path -> $status: $(cat "$out")" >&2; rm -f "$out"; return 1; fi
  cat "$out"; rm -f "$out"
}
CT='content-type: application/json'

start_silo() { # provider datadir [connection string]
  local provider="$1" dir="$2" cs="${3:-}"
  PORT="$(free_port)"; API="http://127.0.0.1:$PORT"
  mkdir -p "$dir"; SILO_DIR="$dir"
  ( cd "$dir" && exec env ASPNETCORE_ENVIRONMENT=Production Storage__Provider="$provider" Storage__DataDirectory="$dir" \
      Blobs__Root="$dir/blobs" Operator__Key="$KEY" ${cs:+ConnectionStrings__Crm="$cs"} \
      dotnet "$DLL" --urls "$API" >"$dir/silo.log" 2>&1 ) &
  SILO_PID=$!
  for _ in $(seq 1 120); do
    curl -sf "$API/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$SILO_PID" 2>/dev/null || { cat "$dir/silo.log"; return 1; }
    sleep 0.5
  done
  echo "silo did not become ready" >&2; return 1
}

stop_silo() { # graceful: SIGTERM (the host's StopApplication path), wait for exit. Not SIGINT: a
  # non-interactive shell starts background children with SIGINT ignored.
  kill -TERM "$SILO_PID"
  for _ in $(seq 1 60); do kill -0 "$SILO_PID" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$SILO_PID" 2>/dev/null; then echo "silo did not stop" >&2; return 1; fi
  wait "$SILO_PID" 2>/dev/null || true
  grep -q "Application is shutting down" "$SILO_DIR/silo.log" || { echo "silo did not shut down gracefully" >&2; return 1; }
}

make_data() { # writes $1 (expected part for this provider)
  local exp="$1" r
  # --- org A
  r="$(call POST /api/orgs -H "X-Operator-Key: $KEY" -H "$CT" \
    -d '{"name":"Legacy Alpha","plan":"standard","timeZone":"Asia/Tokyo","domain":"alpha.example","admin":{"email":"admin@alpha.example","name":"Alice Admin"}}')"
  local A; A="$(echo "$r" | json 'd["id"]')"
  local A_ADMIN; A_ADMIN="$(echo "$r" | json 'd["adminUserId"]')"
  local A_TOKEN; A_TOKEN="$(echo "$r" | json 'd["adminToken"]')"
  local AUTH="Authorization: Bearer $A_TOKEN"
  r="$(call POST "/api/orgs/$A/users" -H "$AUTH" -H "$CT" -d '{"email":"bob@alpha.example","name":"Bob","role":"standard"}')"
  local BOB; BOB="$(echo "$r" | json 'd["id"]')"
  local BOB_TOKEN; BOB_TOKEN="$(echo "$r" | json 'd["token"]')"
  r="$(call POST "/api/orgs/$A/users/$A_ADMIN/tokens" -H "$AUTH")"
  local A_TOKEN2; A_TOKEN2="$(echo "$r" | json 'd["token"]')"

  call POST "/api/orgs/$A/modules/Leads/fields" -H "$AUTH" -H "$CT" \
    -d '{"name":"Favourite_Colour","type":"picklist","values":["red","green","blue"]}' >/dev/null
  call POST "/api/orgs/$A/modules" -H "$AUTH" -H "$CT" \
    -d '{"name":"Projects","fields":[{"name":"Title","type":"text","required":true},{"name":"Client","type":"lookup","lookupModule":"Accounts"}]}' >/dev/null
  call POST "/api/orgs/$A/settings/layouts" -H "$AUTH" -H "$CT" \
    -d '{"module":"Leads","name":"Lead Standard Layout","sections":[{"name":"Lead Information","fields":["First_Name","Last_Name","Email","Company","Favourite_Colour"]},{"name":"Contact","fields":["Phone"]}]}' >/dev/null
  call POST "/api/orgs/$A/settings/workflow-rules" -H "$AUTH" -H "$CT" \
    -d '{"name":"Green leads","module":"Leads","trigger":"on_create_or_edit","conditions":[{"field":"Favourite_Colour","operator":"equals","value":"green"}],"actions":[{"type":"field_update","field":"Company","value":"Green Co"}]}' >/dev/null
  call POST "/api/orgs/$A/settings/roles" -H "$AUTH" -H "$CT" -d '{"name":"Sales Manager","reportsTo":null}' >/dev/null
  call POST "/api/orgs/$A/settings/profiles" -H "$AUTH" -H "$CT" \
    -d '{"name":"Lead Viewer","permissions":{"modules":{"Leads":["view"]},"features":["export"]}}' >/dev/null

  local leads=() i colour
  local colours=(red green blue red "")
  for i in 1 2 3 4 5; do
    colour="${colours[$((i-1))]}"
    r="$(call POST "/api/orgs/$A/modules/Leads/records" -H "$AUTH" -H "$CT" \
      -d "{\"First_Name\":\"Lead$i\",\"Last_Name\":\"Legacy$i\",\"Email\":\"lead$i@customer.example\",\"Company\":\"Customer $i\"${colour:+,\"Favourite_Colour\":\"$colour\"}}")"
    leads+=("$(echo "$r" | json 'd["id"]')")
  done
  call POST "/api/orgs/$A/modules/Accounts/records" -H "$AUTH" -H "$CT" -d '{"Account_Name":"Alpha Customer KK","Website":"customer.example"}' >/dev/null
  call POST "/api/orgs/$A/modules/Accounts/records" -H "$AUTH" -H "$CT" -d '{"Account_Name":"Beta Trading Ltd","Phone":"+81 3 1234 5678"}' >/dev/null

  printf 'Legacy fixture attachment for lead 1.\nCreated by make-fixtures.sh on the previous build (4fb17a2).\n' >"$WORK/contract.txt"
  local SHA; SHA="$(sha256sum "$WORK/contract.txt" | cut -d' ' -f1)"
  r="$(call POST "/api/orgs/$A/modules/Leads/records/${leads[0]}/attachments" -H "$AUTH" -F "file=@$WORK/contract.txt;type=text/plain")"
  echo "attachment: $r" >&2
  local ATT; ATT="$(echo "$r" | json 'd["id"]')"
  local BINNED="${leads[4]}"
  call DELETE "/api/orgs/$A/modules/Leads/records/$BINNED" -H "$AUTH" >/dev/null

  # --- backups on org A
  call POST "/api/orgs/$A/backup/purchases" -H "$AUTH" -H "$CT" -d '{"kind":"one_time","count":2}' >/dev/null
  call PUT "/api/orgs/$A/backup/schedule" -H "$AUTH" -H "$CT" -d '{"frequency":"now"}' >/dev/null
  local BACKUP="" _
  for _ in $(seq 1 240); do
    r="$(call GET "/api/orgs/$A/backups" -H "$AUTH")"
    BACKUP="$(echo "$r" | json 'next((b["id"] for b in d if b["status"]=="ready"), "")')"
    [ -n "$BACKUP" ] && break
    sleep 0.5
  done
  [ -n "$BACKUP" ] || { echo "backup never became ready: $r" >&2; return 1; }
  echo "$r" >"$WORK/backups.json"
  call PUT "/api/orgs/$A/backup/schedule" -H "$AUTH" -H "$CT" -d '{"frequency":"monthly","dayOfMonth":"15","time":"03:00"}' >/dev/null
  call GET "/api/orgs/$A/backup" -H "$AUTH" >"$WORK/summary.json"
  call GET "/api/orgs/$A/backup/history" -H "$AUTH" >"$WORK/history.json"
  call GET "/api/orgs/$A/backups/$BACKUP" -H "$AUTH" >"$WORK/backup.json"
  call GET "/api/orgs/$A/recycle-bin" -H "$AUTH" >"$WORK/bin.json"
  call GET "/api/orgs/$A/modules/Leads/records?page=1&perPage=50" -H "$AUTH" >"$WORK/leads.json"
  call GET "/api/orgs/$A/modules/Accounts/records?page=1&perPage=50" -H "$AUTH" >"$WORK/accounts.json"
  call GET "/api/orgs/$A/modules/Projects/records?page=1&perPage=50" -H "$AUTH" >"$WORK/projects.json"
  call GET "/api/orgs/$A/users" -H "$AUTH" >"$WORK/users.json"
  call GET "/api/orgs/$A" -H "Authorization: Bearer $BOB_TOKEN" >/dev/null   # Bob's token works
  call GET "/api/orgs/$A" -H "Authorization: Bearer $A_TOKEN2" >/dev/null    # so does the admin's second one

  # --- org B
  r="$(call POST /api/orgs -H "X-Operator-Key: $KEY" -H "$CT" \
    -d '{"name":"Legacy Beta","plan":"professional","timeZone":"America/New_York","domain":"beta.example","admin":{"email":"admin@beta.example","name":"Bea Admin"}}')"
  local B; B="$(echo "$r" | json 'd["id"]')"
  local B_ADMIN; B_ADMIN="$(echo "$r" | json 'd["adminUserId"]')"
  local B_TOKEN; B_TOKEN="$(echo "$r" | json 'd["adminToken"]')"
  call POST "/api/orgs/$B/config-copy/keys" -H "Authorization: Bearer $B_TOKEN" >"$WORK/copykey.json"

  A="$A" A_ADMIN="$A_ADMIN" A_TOKEN="$A_TOKEN" A_TOKEN2="$A_TOKEN2" BOB="$BOB" BOB_TOKEN="$BOB_TOKEN" \
  ATT="$ATT" SHA="$SHA" BINNED="$BINNED" BACKUP="$BACKUP" B="$B" B_ADMIN="$B_ADMIN" B_TOKEN="$B_TOKEN" \
  WORK="$WORK" KEY="$KEY" python3 - "$exp" <<'PY'
import json, os, sys
e = os.environ
w = lambda n: json.load(open(os.path.join(e["WORK"], n)))
def count(page):
    # list answers are {records|items|data: [...], total?} or a bare list
    if isinstance(page, list): return len(page)
    for k in ("total", "totalCount", "count"):
        if isinstance(page.get(k), int): return page[k]
    for k in ("records", "items", "data"):
        if isinstance(page.get(k), list): return len(page[k])
    raise SystemExit(f"cannot count {page}")
summary, backup, history, key = w("summary.json"), w("backup.json"), w("history.json"), w("copykey.json")
hist = history if isinstance(history, list) else next(v for v in history.values() if isinstance(v, list))
out = {
  "operatorKey": e["KEY"],
  "orgA": {
    "orgId": e["A"], "name": "Legacy Alpha", "plan": "standard", "timeZone": "Asia/Tokyo", "domain": "alpha.example",
    "adminEmail": "admin@alpha.example", "adminUserId": e["A_ADMIN"], "adminToken": e["A_TOKEN"], "adminSecondToken": e["A_TOKEN2"],
    "bobEmail": "bob@alpha.example", "bobUserId": e["BOB"], "bobToken": e["BOB_TOKEN"],
    "customField": {"module": "Leads", "name": "Favourite_Colour", "type": "picklist", "values": ["red", "green", "blue"]},
    "customModule": {"name": "Projects", "fields": [{"name": "Title", "type": "text"}, {"name": "Client", "type": "lookup", "lookupModule": "Accounts"}]},
    "layout": {"module": "Leads", "name": "Lead Standard Layout"},
    "workflowRule": "Green leads", "role": "Sales Manager", "profile": "Lead Viewer",
    "recordCounts": {"Leads": count(w("leads.json")), "Accounts": count(w("accounts.json")), "Projects": count(w("projects.json"))},
    "leadIds": [r["id"] for r in w("leads.json")["items"]],
    "accountIds": [r["id"] for r in w("accounts.json")["items"]],
    "workflowEffect": {"recordId": next(r["id"] for r in w("leads.json")["items"] if r.get("Favourite_Colour") == "green"), "field": "Company", "value": "Green Co"},
    "binnedRecordId": e["BINNED"], "binnedRecordModule": "Leads",
    "attachment": {"id": e["ATT"], "module": "Leads", "recordId": None, "fileName": "contract.txt", "sha256": e["SHA"]},
    "backupId": e["BACKUP"], "backupStatus": backup.get("status"), "backupReadyAt": backup.get("readyAt"), "backupExpiresAt": backup.get("expiresAt"),
    "schedule": {"frequency": summary.get("frequency"), "nextBackupAt": summary.get("nextBackupAt"), "schedule": summary.get("schedule")},
    "quota": summary.get("quota"),
    "historyKinds": [h.get("kind") for h in hist],
  },
  "orgB": {"orgId": e["B"], "name": "Legacy Beta", "plan": "professional", "timeZone": "America/New_York", "domain": "beta.example",
           "adminUserId": e["B_ADMIN"], "adminToken": e["B_TOKEN"], "copyKey": key["key"], "copyKeyExpiresAt": key["expiresAt"]},
  "raw": {"backup": summary, "backupDetail": backup, "history": history, "recycleBin": w("bin.json"), "users": w("users.json"), "leads": w("leads.json")},
}
json.dump(out, open(sys.argv[1], "w"), indent=2)
PY
  # the attachment's record
  python3 - "$exp" "${leads[0]}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["orgA"]["attachment"]["recordId"] = sys.argv[2]
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
}

mkdir -p "$OUT"
# ---------------- SQLite
SQ="$WORK/sqlite"
start_silo sqlite "$SQ"
make_data "$WORK/expected-sqlite.json"
stop_silo
sqlite3 "$SQ/crm.db" 'PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE; VACUUM;'
rm -rf "$OUT/sqlite"; mkdir -p "$OUT/sqlite"
cp "$SQ/crm.db" "$OUT/sqlite/crm.db"
cp -r "$SQ/blobs" "$OUT/sqlite/blobs"

# ---------------- PostgreSQL
set +u; source "$REPO/scripts/postgres.sh"; set -u
DB="legacy_fixture_$$"
createdb "$DB"
PG="$WORK/postgres"
start_silo postgres "$PG" "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Database=$DB"
make_data "$WORK/expected-postgres.json"
stop_silo
pg_dump --no-owner --no-privileges --inserts "$DB" >"$OUT/postgres.sql"
# pg_dump >= 15.14 writes psql-only \restrict/\unrestrict lines; without them the file is plain SQL
# that psql and a driver (one Npgsql batch) can both run.
sed -i -E '/^\\(un)?restrict /d' "$OUT/postgres.sql"
rm -rf "$OUT/postgres-blobs"; cp -r "$PG/blobs" "$OUT/postgres-blobs"
# check the dump loads into an empty database
createdb "${DB}_check"
psql -q -v ON_ERROR_STOP=1 -d "${DB}_check" -f "$OUT/postgres.sql" >/dev/null
dropdb "${DB}_check"
dropdb "$DB"

python3 - "$WORK/expected-sqlite.json" "$WORK/expected-postgres.json" "$OUT/expected.json" <<'PY'
import json, sys
s, p = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
out = {"legacyCommit": "4fb17a2", "operatorKey": s["operatorKey"],
       "providers": {"sqlite": {k: v for k, v in s.items() if k != "operatorKey"},
                     "postgres": {k: v for k, v in p.items() if k != "operatorKey"}}}
out["providers"]["sqlite"]["database"] = "sqlite/crm.db"; out["providers"]["sqlite"]["blobs"] = "sqlite/blobs"
out["providers"]["postgres"]["database"] = "postgres.sql"; out["providers"]["postgres"]["blobs"] = "postgres-blobs"
json.dump(out, open(sys.argv[3], "w"), indent=2); open(sys.argv[3], "a").write("\n")
PY
echo "done: $OUT (logs in $WORK)"
