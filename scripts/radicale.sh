#!/usr/bin/env bash
# Starts a private Radicale (CardDAV) for the contact-sync tests: own config and storage, htpasswd auth, loopback, a free port.
# Usage: source scripts/radicale.sh   (exports CRM_TEST_RADICALE_URL, _USER, _PASSWORD, _USER2, _PASSWORD2; installs Radicale if missing)
# Settings: CRM_RADICALE_DIR (default .radicale: config, htpasswd users, storage, log, pid, port).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rdir="${CRM_RADICALE_DIR:-$root/.radicale}"

if ! command -v radicale >/dev/null 2>&1; then
  echo "Installing Radicale (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq radicale >/dev/null
fi

# Answers any HTTP status: Radicale is up. Uses Radicale's own Python, which its package depends on.
radicale_answers() { /usr/bin/python3 - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/.web/", timeout=2)
except urllib.error.HTTPError:
    pass
PY
}

if [ -f "$rdir/pid" ] && [ -f "$rdir/port" ] && kill -0 "$(cat "$rdir/pid")" 2>/dev/null && radicale_answers "$(cat "$rdir/port")"; then
  port="$(cat "$rdir/port")"
else
  [ -f "$rdir/pid" ] && kill "$(cat "$rdir/pid")" 2>/dev/null || true
  rm -rf "$rdir"; mkdir -p "$rdir/collections"
  port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  # Plain htpasswd: Debian's Radicale has no passlib/bcrypt, and these are throwaway test users.
  for u in crm-sync crm-other; do
    printf '%s:%s\n' "$u" "$(head -c 18 /dev/urandom | base64 | tr -d '/+=')" >>"$rdir/users"
  done
  cat >"$rdir/config" <<CONF
[server]
hosts = 127.0.0.1:$port
[auth]
type = htpasswd
htpasswd_filename = $rdir/users
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = $rdir/collections
[web]
type = none
[logging]
level = warning
mask_passwords = True
CONF
  setsid radicale -C "$rdir/config" >"$rdir/log" 2>&1 </dev/null &
  echo $! >"$rdir/pid"
  echo "$port" >"$rdir/port"
  for _ in $(seq 1 100); do radicale_answers "$port" && break; sleep 0.1; done
  radicale_answers "$port" || { cat "$rdir/log" >&2; echo "Radicale did not start on 127.0.0.1:$port" >&2; return 1 2>/dev/null || exit 1; }
  crm_started_radicale=1
fi
# Stops this Radicale if this shell started it.
stop_radicale() { [ "${crm_started_radicale:-}" = 1 ] && kill "$(cat "$rdir/pid")" 2>/dev/null || true; }
export CRM_TEST_RADICALE_URL="http://127.0.0.1:$port/"
export CRM_TEST_RADICALE_USER="$(sed -n 1p "$rdir/users" | cut -d: -f1)" CRM_TEST_RADICALE_PASSWORD="$(sed -n 1p "$rdir/users" | cut -d: -f2-)"
export CRM_TEST_RADICALE_USER2="$(sed -n 2p "$rdir/users" | cut -d: -f1)" CRM_TEST_RADICALE_PASSWORD2="$(sed -n 2p "$rdir/users" | cut -d: -f2-)"
echo "Radicale on 127.0.0.1:$port"
