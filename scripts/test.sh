#!/usr/bin/env bash
# The test command: installs and starts what the tests need (PostgreSQL), then runs every suite.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter Backup]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh
dotnet test CrmActors.slnx --nologo -c "${CONFIGURATION:-Debug}" --logger "console;verbosity=normal" "$@"
