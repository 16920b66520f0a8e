#!/usr/bin/env bash
# Starts a private Dovecot POP3 server for tests and benchmarks: own config file, passwd-file users,
# Maildir under .dovecot/, loopback, free ports for plain POP3 (with STLS) and implicit-TLS pop3s.
# Usage: source scripts/dovecot.sh   (installs dovecot-pop3d if missing; exports CRM_TEST_POP3_*)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dcdir="${CRM_DOVECOT_DIR:-$root/.dovecot}"
mailuser=crmmail

if ! command -v dovecot >/dev/null 2>&1 || [ ! -x /usr/lib/dovecot/pop3 ]; then
  echo "Installing Dovecot POP3 (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq dovecot-core dovecot-pop3d openssl >/dev/null
fi
# Dovecot will not run mail processes as root: mailboxes belong to an unprivileged user of their own.
id -u "$mailuser" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$mailuser"
mail_uid="$(id -u "$mailuser")" mail_gid="$(id -g "$mailuser")"

# The mail user must reach the Maildir: a repo under an unreadable home falls back to /var/tmp.
if ! runuser -u "$mailuser" -- test -x "$(dirname "$dcdir")" 2>/dev/null; then
  dcdir="/var/tmp/crm-dovecot-$(printf %s "$root" | sha256sum | cut -c1-12)"
fi

dc_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1" && timeout 2 head -c 3 <&3 | grep -q '+OK') 2>/dev/null; }
dc_running() { [ -f "$dcdir/ports" ] && [ -f "$dcdir/run/master.pid" ] && kill -0 "$(cat "$dcdir/run/master.pid")" 2>/dev/null \
  && dc_answers "$(cut -d' ' -f1 "$dcdir/ports")"; }

dc_seed() { # user: writes the sample messages straight into the user's Maildir/new
  python3 - "$dcdir/mail/$1/Maildir" "${2:-0}" <<'PY'
import base64, os, sys, random
box, bulk = sys.argv[1], int(sys.argv[2])
for d in ("new", "cur", "tmp"):
    os.makedirs(os.path.join(box, d), exist_ok=True)
n = 0
def put(raw):
    global n
    n += 1
    with open(os.path.join(box, "new", f"1700000000.seed{n:05d}.crm"), "wb") as f:
        f.write(raw)
def b64(data, width=76):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + width] for i in range(0, len(s), width))
def hdr(subject, frm="Alice Example <alice@example.com>", to="bob@customer.example", mid=None, extra=""):
    return (f"From: {frm}\nTo: {to}\nCc: Carol <CAROL@Customer.Example>\nSubject: {subject}\n"
            f"Date: Mon, 02 Jan 2023 10:{n % 60:02d}:00 +0900\nMessage-ID: <{mid or f'seed{n}@example.com'}>\n"
            f"MIME-Version: 1.0\n{extra}")
jp = "見積もりのご案内"
if bulk:
    rnd = random.Random(7)
    text = "\n".join(rnd.randbytes(50).hex() for _ in range(2000))
    for i in range(bulk):
        start = rnd.randint(0, 100000)
        body = text[start:start + rnd.randint(2000, 80000)]
        put((hdr(f"Bulk message {i}", mid=f"bulk{i}@example.com") +
             "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n").encode())
    sys.exit(0)
put((hdr("Plain UTF-8 hello") + "Content-Type: text/plain; charset=utf-8\n"
     "Content-Transfer-Encoding: 8bit\n\nHello from UTF-8: café, naïve, 日本語.\n").encode())
put(hdr("=?ISO-2022-JP?B?" + base64.b64encode(jp.encode("iso-2022-jp")).decode() + "?=",
        frm="=?ISO-2022-JP?B?" + base64.b64encode("山田太郎".encode("iso-2022-jp")).decode() + "?= <taro@example.co.jp>").encode()
    + b"Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n"
    + "いつもお世話になっております。見積書を送付します。\n".encode("iso-2022-jp"))
put(hdr("=?Shift_JIS?B?" + base64.b64encode("シフトJISの件名".encode("shift_jis")).decode() + "?=").encode()
    + b"Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: base64\n\n"
    + b64("シフトJISの本文です。".encode("shift_jis")).encode() + b"\n")
put(hdr("=?windows-1251?B?" + base64.b64encode("Счёт на оплату".encode("cp1251")).decode() + "?=").encode()
    + b"Content-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
    + b"Caf=E9 cr=E8me br=FBl=E9e, =\nsoft break.\n")
put((hdr("Alternative bodies", extra="Content-Type: multipart/alternative; boundary=\"alt\"\n")
     + "\n--alt\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
       "Price: 10 =E2=82=AC\n--alt\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
       "<p>Price: <b>10 =E2=82=AC</b></p>\n--alt--\n").encode())
put((hdr("With attachments", extra="Content-Type: multipart/mixed; boundary=\"mix\"\n")
     + "\n--mix\nContent-Type: text/plain; charset=utf-8\n\nSee the attached files.\n"
       "--mix\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8.pdf\n"
       "Content-Transfer-Encoding: base64\n\n" + b64(b"%PDF-1.4 fake " * 20) + "\n"
       "--mix\nContent-Type: text/csv; name=\"=?UTF-8?B?" + base64.b64encode("顧客リスト.csv".encode()).decode() + "?=\"\n"
       "Content-Disposition: attachment\nContent-Transfer-Encoding: base64\n\n" + b64(b"id,name\n1,Acme\n") + "\n--mix--\n").encode())
put((hdr("Duplicate Message-ID one", mid="dup@example.com") + "Content-Type: text/plain\n\nfirst copy\n").encode())
put((hdr("Duplicate Message-ID two", mid="dup@example.com") + "Content-Type: text/plain\n\nsecond copy\n").encode())
big = random.Random(1).randbytes(10 * 1024 * 1024)
put((hdr("Big attachment", frm="lead@prospect.example", extra="Content-Type: multipart/mixed; boundary=\"big\"\n")
     + "\n--big\nContent-Type: text/plain\n\n10 MB attached.\n--big\nContent-Type: application/octet-stream; name=big.bin\n"
       "Content-Disposition: attachment; filename=big.bin\nContent-Transfer-Encoding: base64\n\n" + b64(big) + "\n--big--\n").encode())
PY
}

if dc_running; then
  read -r port tls_port <"$dcdir/ports"
else
  [ -f "$dcdir/run/master.pid" ] && kill "$(cat "$dcdir/run/master.pid")" 2>/dev/null && sleep 1
  rm -rf "$dcdir"; mkdir -p "$dcdir/run" "$dcdir/state" "$dcdir/mail"
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
  port="$(free_port)" tls_port="$(free_port)"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$dcdir/key.pem" -out "$dcdir/cert.pem" >/dev/null 2>&1
  : >"$dcdir/users"
  for u in alice latest resume bench mail-sqlite mail-postgres cluster; do
    echo "$u:{PLAIN}$u-secret:$mail_uid:$mail_gid::$dcdir/mail/$u::" >>"$dcdir/users"
  done
  cat >"$dcdir/dovecot.conf" <<CONF
base_dir = $dcdir/run
state_dir = $dcdir/state
log_path = $dcdir/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <$dcdir/cert.pem
ssl_key = <$dcdir/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = $mail_uid
last_valid_uid = $mail_uid
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xv%08Xu
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dcdir/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $dcdir/users
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $port
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $tls_port
    ssl = yes
  }
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = 0
  }
}
CONF
  chmod 644 "$dcdir/users"
  for u in alice latest resume mail-sqlite mail-postgres; do dc_seed "$u"; done
  # The mailbox a cluster test backs up while it kills a silo: big enough to be caught mid-way.
  dc_seed cluster "${CRM_DOVECOT_CLUSTER_MESSAGES:-1500}"
  dc_seed bench "${CRM_DOVECOT_BENCH_MESSAGES:-300}"
  chown -R "$mail_uid:$mail_gid" "$dcdir/mail"
  dovecot -c "$dcdir/dovecot.conf"
  for _ in $(seq 1 50); do dc_answers "$port" && break; sleep 0.2; done
  dc_answers "$port" || { echo "Dovecot did not answer on 127.0.0.1:$port; see $dcdir/dovecot.log" >&2; tail -n 20 "$dcdir/dovecot.log" >&2; return 1 2>/dev/null || exit 1; }
  echo "$port $tls_port" >"$dcdir/ports"
  crm_started_dovecot=1
fi
# Stops this Dovecot if this shell started it.
stop_dovecot() { [ "${crm_started_dovecot:-}" = 1 ] && kill "$(cat "$dcdir/run/master.pid")" 2>/dev/null || true; }
export CRM_TEST_POP3_HOST=127.0.0.1 CRM_TEST_POP3_PORT="$port" CRM_TEST_POP3_TLS_PORT="$tls_port"
export CRM_TEST_POP3_CERT="$dcdir/cert.pem" CRM_TEST_POP3_MAILDIRS="$dcdir/mail" CRM_TEST_POP3_USERS="alice latest resume bench mail-sqlite mail-postgres cluster"
# Every user's password is "<user>-secret".
export CRM_TEST_POP3_PASSWORD_SUFFIX="-secret"
echo "Dovecot POP3 on 127.0.0.1:$port (pop3s $tls_port)"
