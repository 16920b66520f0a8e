#!/usr/bin/env bash
# Benchmarks (not tests): builds Release, starts PostgreSQL, prints figures and ratios.
# Usage: scripts/bench.sh grains [seconds] | bulk [rows] | backup [records] [attachments]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh
dotnet build CrmActors.slnx -c Release --nologo -v quiet >/dev/null
dotnet bench/CrmActors.Bench/bin/Release/net10.0/CrmActors.Bench.dll "$@"
