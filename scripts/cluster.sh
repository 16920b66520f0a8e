#!/usr/bin/env bash
# Starts N identical Silo processes on loopback ports sharing one PostgreSQL database and one blob root.
# Usage: scripts/cluster.sh start [N=3] | stop | status
# Settings: CLUSTER_DIR (default .cluster), CLUSTER_BASE_PORT (default 5081), ConnectionStrings__Crm
# (default: the private PostgreSQL of scripts/postgres.sh, database crm_cluster), Operator__Key
# (default: generated once and kept in $CLUSTER_DIR/operator-key).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${CLUSTER_DIR:-.cluster}"
base="${CLUSTER_BASE_PORT:-5081}"

stop() {
  if [ -f "$dir/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$dir/pids"
    rm -f "$dir/pids"
    echo "cluster stopped"
  fi
}

case "${1:-}" in
  start)
    n="${2:-3}"
    stop
    mkdir -p "$dir/blobs"
    if [ -z "${ConnectionStrings__Crm:-}" ]; then
      source scripts/postgres.sh >/dev/null
      psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'crm_cluster'" | grep -q 1 || psql -d postgres -qc "CREATE DATABASE crm_cluster"
      export ConnectionStrings__Crm="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=crm_cluster;Maximum Pool Size=50"
    fi
    [ -f "$dir/operator-key" ] || head -c 32 /dev/urandom | base64 | tr -d '/+=' >"$dir/operator-key"
    export Operator__Key="${Operator__Key:-$(cat "$dir/operator-key")}"
    export Storage__Provider=postgres Blobs__Root="$(realpath "$dir/blobs")" Storage__DataDirectory="$(realpath "$dir")"
    export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
    dotnet build src/Silo -c Release --nologo -v quiet >/dev/null
    for i in $(seq 1 "$n"); do
      port=$((base + i - 1))
      (cd src/Silo && Silo__Name="silo-$i" exec dotnet bin/Release/net10.0/CrmActors.Silo.dll --urls "http://127.0.0.1:$port") >"$dir/silo-$i.log" 2>&1 &
      echo $! >>"$dir/pids"
      # The first node creates the schema before the others start.
      if [ "$i" = 1 ]; then
        for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
      fi
    done
    for i in $(seq 1 "$n"); do
      port=$((base + i - 1))
      for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
      echo "silo-$i  http://127.0.0.1:$port  (log $dir/silo-$i.log)"
    done
    echo "operator key: $Operator__Key"
    echo "dashboard:    http://127.0.0.1:$base/dashboard"
    ;;
  stop) stop ;;
  status)
    [ -f "$dir/pids" ] && while read -r pid; do ps -o pid=,args= -p "$pid" || echo "$pid (gone)"; done <"$dir/pids" || echo "not running"
    ;;
  *) echo "usage: scripts/cluster.sh start [N] | stop | status" >&2; exit 2 ;;
esac
