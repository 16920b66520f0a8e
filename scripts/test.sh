#!/usr/bin/env bash
# The test command: installs and starts what the tests need (PostgreSQL, Chromium), then runs every suite.
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
dotnet test CrmActors.slnx --nologo -c "${CONFIGURATION:-Debug}" --logger "console;verbosity=normal" "$@"
