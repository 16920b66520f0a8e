#!/usr/bin/env bash
# The README walk-through as one script: every request runs as written against a fresh node.
#   dotnet run --project src/Silo            # in another terminal; copy the operator key it prints
#   KEY=<operator key> samples/walkthrough.sh [API base, default http://localhost:5080]
# Needs curl and python3 (to read IDs out of the JSON answers). A test runs it against a real silo.
set -euo pipefail
cd "$(dirname "$0")"
API="${1:-${API:-http://localhost:5080}}"
KEY="${KEY:?set KEY to the operator key the node printed at start}"

# Prints one member of the JSON on stdin: json id, json items.0.id
json() { python3 -c 'import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value[int(key)] if key.isdigit() else value[key]
print(value)' "$1"; }
# A request that must succeed; its answer goes to stdout, a failure stops the script with the problem it got.
call() { curl -sS --fail-with-body "$@"; }
step() { printf '\n== %s\n' "$*" >&2; }
# Waits for a backup newer than $1 (the newest backup's ID before the request, "" if none) to be ready; prints its ID.
wait_backup() {
  for _ in $(seq 1 120); do
    LIST=$(call "$B/backups" -H "$AUTH")
    ID=$(json 0.id <<<"$LIST" 2>/dev/null || true)
    if [ -n "$ID" ] && [ "$ID" != "$1" ]; then
      STATUS=$(json 0.status <<<"$LIST")
      [ "$STATUS" = ready ] && { echo "$ID"; return 0; }
      [ "$STATUS" = failed ] && { echo "backup $ID failed" >&2; exit 1; }
    fi
    sleep 1
  done
  echo "the backup did not become ready" >&2; exit 1
}
# Waits for restore $1 to complete.
wait_restore() {
  for _ in $(seq 1 120); do
    STATUS=$(call "$B/restores/$1?limit=0" -H "$AUTH" | json status)
    [ "$STATUS" = completed ] && return 0
    [ "$STATUS" = failed ] && { echo "restore $1 failed" >&2; exit 1; }
    sleep 1
  done
  echo "restore $1 did not complete" >&2; exit 1
}

step "Create an organization; the answer holds its ID and its first admin's token"
ORG_JSON=$(call -X POST "$API/api/orgs" -H "X-Operator-Key: $KEY" -H 'content-type: application/json' \
  -d '{"name":"Acme","plan":"standard","timeZone":"Asia/Tokyo","domain":"acme.test","admin":{"email":"admin@acme.test","name":"Ada"}}')
ORG=$(json id <<<"$ORG_JSON"); TOKEN=$(json adminToken <<<"$ORG_JSON"); AUTH="Authorization: Bearer $TOKEN"
B="$API/api/orgs/$ORG"
echo "org $ORG" >&2

step "Users: a standard user who may only view Leads and use contact sync; deactivate, activate"
USER_ID=$(call -X POST "$B/users" -H "$AUTH" -H 'content-type: application/json' \
  -d '{"email":"bo@acme.test","name":"Bo","role":"standard","permissions":{"modules":{"Leads":["view"]},"features":["contact_sync"]}}' | json id)
call -X POST "$B/users/$USER_ID/deactivate" -H "$AUTH"
call -X POST "$B/users/$USER_ID/activate" -H "$AUTH"

step "Schema: a custom module (with an image upload field) and a custom field on Leads"
call -X POST "$B/modules" -H "$AUTH" -H 'content-type: application/json' \
  -d '{"name":"Projects","fields":[{"name":"Title","type":"text","required":true},{"name":"Phase","type":"picklist","values":["Plan","Build"]},{"name":"Client","type":"lookup","lookupModule":"Accounts"},{"name":"Logo","type":"imageupload"}]}' >/dev/null
call -X POST "$B/modules/Leads/fields" -H "$AUTH" -H 'content-type: application/json' -d '{"name":"Score","type":"number"}' >/dev/null

step "Records: create, read (with its ETag), change only that version (If-Match), list with paging and a filter"
ACCOUNT=$(call -X POST "$B/modules/Accounts/records" -H "$AUTH" -H 'content-type: application/json' -d '{"Account_Name":"Acme KK"}' | json id)
ETAG=$(curl -sS -D - -o /dev/null "$B/modules/Accounts/records/$ACCOUNT" -H "$AUTH" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
call -X PATCH "$B/modules/Accounts/records/$ACCOUNT" -H "$AUTH" -H "If-Match: $ETAG" -H 'content-type: application/json' -d '{"Website":"acme.example"}'
echo >&2
STALE=$(curl -sS -o /dev/null -w '%{http_code}' -X PATCH "$B/modules/Accounts/records/$ACCOUNT" -H "$AUTH" -H "If-Match: $ETAG" \
  -H 'content-type: application/json' -d '{"Website":"stale.example"}')
[ "$STALE" = 412 ] || { echo "a stale If-Match answered $STALE, not 412" >&2; exit 1; }
call "$B/modules/Accounts/records?page=1&perPage=50&Account_Name=Acme%20KK" -H "$AUTH"

step "Bulk insert: samples/leads.csv (UTF-8, header of field API names); good rows kept, bad rows reported by data row"
call -X POST "$B/modules/Leads/records/bulk" -H "$AUTH" -H 'content-type: text/csv' --data-binary @leads.csv
LEAD=$(call "$B/modules/Leads/records?Last_Name=Sato" -H "$AUTH" | json items.0.id)

step "Attachments (multipart, streamed, ranges on download) and an upload field"
ATTACHMENT=$(call -X POST "$B/modules/Leads/records/$LEAD/attachments" -H "$AUTH" -F file=@contract.pdf | json id)
PROJECT=$(call -X POST "$B/modules/Projects/records" -H "$AUTH" -H 'content-type: application/json' \
  -d "{\"Title\":\"Rollout\",\"Phase\":\"Plan\",\"Client\":\"$ACCOUNT\"}" | json id)
call -X PUT "$B/modules/Projects/records/$PROJECT/files/Logo" -H "$AUTH" -F file=@logo.png
DOWNLOADED=$(mktemp); trap 'rm -f "$DOWNLOADED"' EXIT
call "$B/modules/Leads/records/$LEAD/attachments/$ATTACHMENT" -H "$AUTH" -o "$DOWNLOADED"
cmp -s "$DOWNLOADED" contract.pdf || { echo "the downloaded attachment differs from samples/contract.pdf" >&2; exit 1; }

step "Recycle bin: delete, list (paged), restore with the same IDs, delete again and empty (admins)"
call -X DELETE "$B/modules/Leads/records/$LEAD" -H "$AUTH"
call "$B/recycle-bin?page=1&perPage=20" -H "$AUTH"
call -X POST "$B/recycle-bin/$LEAD/restore" -H "$AUTH"
call -X DELETE "$B/modules/Leads/records/$LEAD" -H "$AUTH"
call -X DELETE "$B/recycle-bin" -H "$AUTH"

step "Audit log (admins): filtered, and as CSV"
call "$B/audit-log?module=Accounts&action=update" -H "$AUTH" >/dev/null
call "$B/audit-log" -H "$AUTH" -H 'Accept: text/csv' | head -n 3

step "A backup now; its download links are absolute and need no token"
call -X PUT "$B/backup/schedule" -H "$AUTH" -H 'content-type: application/json' -d '{"frequency":"now"}' >/dev/null
FIRST_BACKUP=$(wait_backup "")
DATA_URL=$(call "$B/backups/$FIRST_BACKUP" -H "$AUTH" | json data.0)
call -o "$DOWNLOADED" "$DATA_URL"
python3 -c 'import sys, zipfile; names = zipfile.ZipFile(sys.argv[1]).namelist(); assert "manifest.json" in names, names; print(len(names), "entries in the Data ZIP")' "$DOWNLOADED" >&2

step "A dry run of restoring that Data ZIP: its report as JSON, then the whole report as a CSV file"
RESTORE=$(call -X POST "$B/restores/upload?mode=full&dryRun=true" -H "$AUTH" -H 'content-type: application/zip' --data-binary @"$DOWNLOADED" | json id)
wait_restore "$RESTORE"
call "$B/restores/$RESTORE?limit=500" -H "$AUTH" | json status >/dev/null
call "$B/restores/$RESTORE" -H "$AUTH" -H 'Accept: text/csv' | head -n 3

step "Backups and restores (the README's block): add-ons, schedules, another backup now on the add-on"
call -X POST "$B/backup/purchases" -H "$AUTH" -H 'content-type: application/json' -d '{"kind":"one_time","count":2}' >/dev/null
call -X DELETE "$B/backup/purchases?kind=one_time&count=1" -H "$AUTH" >/dev/null
call -X PUT "$B/backup/schedule" -H "$AUTH" -H 'content-type: application/json' -d '{"frequency":"twice_a_month","dayOfWeek":"monday","time":"02:30"}' >/dev/null
call -X PUT "$B/backup/schedule" -H "$AUTH" -H 'content-type: application/json' -d '{"frequency":"monthly","weekOfMonth":1,"dayOfWeek":"sunday"}' >/dev/null
call -X PUT "$B/backup/schedule" -H "$AUTH" -H 'content-type: application/json' -d '{"frequency":"now"}' >/dev/null
call "$B/backup" -H "$AUTH"
echo >&2
BACKUP=$(wait_backup "$FIRST_BACKUP")
call -o "$DOWNLOADED" "$(call "$B/backups/$BACKUP" -H "$AUTH" | json data.0)"
call "$B/backup/history" -H "$AUTH" >/dev/null
STOP=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$B/backup/schedule" -H "$AUTH")
[ "$STOP" = 204 ] || [ "$STOP" = 409 ] || { echo "stopping the schedule answered $STOP, not 204 or 409" >&2; exit 1; }
RESTORE=$(call -X POST "$B/restores" -H "$AUTH" -H 'content-type: application/json' -d "{\"backupId\":\"$BACKUP\",\"mode\":\"full\",\"dryRun\":true}" | json id)
wait_restore "$RESTORE"
RESTORE=$(call -X POST "$B/restores/upload?mode=module&module=Leads" -H "$AUTH" -H 'content-type: application/zip' --data-binary @"$DOWNLOADED" | json id)
wait_restore "$RESTORE"
call "$B/restores" -H "$AUTH" | json 0.id >/dev/null
call "$B/restores/$RESTORE?limit=500" -H "$AUTH"
echo >&2

step "A workflow rule: Leads scored over 80 are rated Hot"
call -X POST "$B/modules/Leads/fields" -H "$AUTH" -H 'content-type: application/json' -d '{"name":"Rating","type":"picklist","values":["Hot","Warm","Cold"]}' >/dev/null
call -X POST "$B/settings/workflow-rules" -H "$AUTH" -H 'content-type: application/json' \
  -d '{"name":"Hot leads","module":"Leads","trigger":"on_create_or_edit",
       "conditions":[{"field":"Score","operator":"greater_than","value":80}],
       "actions":[{"type":"field_update","field":"Rating","value":"Hot"}]}' >/dev/null
RATING=$(call -X POST "$B/modules/Leads/records" -H "$AUTH" -H 'content-type: application/json' -d '{"Last_Name":"Kato","Score":95}' | json Rating)
[ "$RATING" = Hot ] || { echo "the rule rated the lead '$RATING', not Hot" >&2; exit 1; }

printf '\nThe walk-through ran to the end.\n' >&2
