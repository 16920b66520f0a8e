#!/usr/bin/env bash
# Benchmarks (not tests): builds Release, starts PostgreSQL, prints figures and ratios.
# Usage: scripts/bench.sh grains [seconds] [sqlite,postgres] | bulk [rows] | backup [records] [attachments] | mail | contact-sync [contacts] | migration [tickets] [threads per ticket]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh
# The benches report the CPU each side cost the servers as well as its own.
export CRM_BENCH_SERVER_PIDS="postgres=$(head -1 "$pgdir/db/postmaster.pid")"
if [ "${1:-}" = mail ]; then
  # A Dovecot of its own whose bench mailbox holds 20,000 messages (about 1 GB); the tests' Dovecot stays small.
  CRM_DOVECOT_DIR="${CRM_DOVECOT_BENCH_DIR:-$PWD/.dovecot-bench}" CRM_DOVECOT_BENCH_MESSAGES="${CRM_DOVECOT_BENCH_MESSAGES:-20000}" source scripts/dovecot.sh
  export CRM_BENCH_SERVER_PIDS="$CRM_BENCH_SERVER_PIDS dovecot=$(cat "$dcdir/run/master.pid")"
fi
# The contact-sync benchmark writes to real Radicales: the plain loop into one, the sync into another, side by side.
if [ "${1:-}" = contact-sync ]; then
  CRM_RADICALE_DIR="$PWD/.radicale-bench-loop" source scripts/radicale.sh
  export CRM_BENCH_LOOP_RADICALE_URL="$CRM_TEST_RADICALE_URL" CRM_BENCH_LOOP_RADICALE_USER="$CRM_TEST_RADICALE_USER" CRM_BENCH_LOOP_RADICALE_PASSWORD="$CRM_TEST_RADICALE_PASSWORD"
  CRM_RADICALE_DIR="$PWD/.radicale-bench-sync" source scripts/radicale.sh
fi
# The bench project builds what it needs: the product (src/Silo and below) in Release.
dotnet build bench/CrmActors.Bench -c Release --nologo -v quiet >/dev/null
dotnet bench/CrmActors.Bench/bin/Release/net10.0/CrmActors.Bench.dll "$@"
