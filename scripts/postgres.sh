#!/usr/bin/env bash
# Starts a private PostgreSQL for tests and benchmarks: own data directory, loopback, a free port.
# Usage: source scripts/postgres.sh   (exports CRM_TEST_POSTGRES and PGPORT; installs PostgreSQL if missing)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pgdir="${CRM_PGDATA:-$root/.pgdata}"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing PostgreSQL (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql postgresql-contrib >/dev/null
fi
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -f "$pgdir/port" ] && run_pg "$pgbin/pg_ctl" -D "$pgdir/db" status >/dev/null 2>&1; then
  port="$(cat "$pgdir/port")"
else
  rm -rf "$pgdir"; mkdir -p "$pgdir"
  [ "$(id -u)" = 0 ] && chown postgres "$pgdir"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  run_pg "$pgbin/initdb" -D "$pgdir/db" -U postgres -A trust -E UTF8 >/dev/null
  cat >>"$pgdir/db/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pgdir'
max_connections = 300
fsync = on
synchronous_commit = on
shared_buffers = 256MB
CONF
  run_pg "$pgbin/pg_ctl" -D "$pgdir/db" -l "$pgdir/log" -w start >/dev/null
  echo "$port" >"$pgdir/port"
  crm_started_postgres=1
fi
# Stops this PostgreSQL if this shell started it (a server that was already running is left alone).
stop_postgres() { [ "${crm_started_postgres:-}" = 1 ] && run_pg "$pgbin/pg_ctl" -D "$pgdir/db" -m fast -w stop >/dev/null 2>&1 || true; }
export PGPORT="$port" PGHOST=127.0.0.1 PGUSER=postgres
export CRM_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Maximum Pool Size=100"
export PATH="$pgbin:$PATH"
echo "PostgreSQL on 127.0.0.1:$port"
