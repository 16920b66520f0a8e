#!/usr/bin/env bash
# Benchmarks (not tests): builds Release, starts PostgreSQL, prints figures and ratios.
# Usage: scripts/bench.sh grains [seconds] [sqlite,postgres] | bulk [rows] | backup [records] [attachments] | migration [tickets] [threads per ticket]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh
# The bench project builds what it needs: the product (src/Silo and below) in Release.
dotnet build bench/CrmActors.Bench -c Release --nologo -v quiet >/dev/null
dotnet bench/CrmActors.Bench/bin/Release/net10.0/CrmActors.Bench.dll "$@"
