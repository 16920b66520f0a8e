#!/usr/bin/env bash
# The test command: installs and starts what the tests need (PostgreSQL, Chromium, Radicale, Dovecot),
# runs every suite, stops the servers it started, and ends with the failed tests' names and messages.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter Backup]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
export CRM_TEST_CHROMIUM="$(command -v chromium)"

source scripts/postgres.sh
source scripts/radicale.sh
source scripts/dovecot.sh
trap 'stop_dovecot; stop_radicale; stop_postgres' EXIT

# The test host (many short silos in one process) runs with the Silo's runtime settings (src/Silo/Runtime.props):
# no tiered PGO, no thread-pool spinning, which on two cores cost CPU the servers under test need.
export DOTNET_TieredPGO=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0
results="$(mktemp -d)"
status=0
dotnet test CrmActors.slnx --nologo -c "${CONFIGURATION:-Debug}" --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@" || status=$?
# The console log is long; repeat what failed where it is seen first, at the end.
python3 scripts/trx-failures.py "$results"/*.trx || true
rm -rf "$results"
exit "$status"
