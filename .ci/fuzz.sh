#!/usr/bin/env bash
# Fuzzes the JSON API with schemathesis (from PyPI, pinned, in a venv under target/) against the
# served OpenAPI document, on target/debug/canyu with demo data in a fresh data folder, four times:
# anonymous, as a demo citizen, as a demo staff member and as the demo petition officer (the two
# staff accounts' one-time passwords changed first, as they must be before they may act).
# Fails on any 5xx answer or dropped connection, on a server that dies, and on any panic in the
# server's output, and on any answer the generated document does not describe (status code,
# content type, headers, body schema). The checks on which inputs are accepted (schema-valid
# requests refused for their content, such as an empty matter) are left out of the gate: the
# document does not carry every domain rule (CANYU_FUZZ_CHECKS=all shows them). Bounded in time: each pass gets
# CANYU_FUZZ_SECONDS (default 40) under a hard `timeout`; about 3 minutes in all.
# Each pass's output, JUnit and HAR reports and the server's log are left in target/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

st_version=4.32.5
seconds=${CANYU_FUZZ_SECONDS:-40}
# Server errors and answers off the document fail the gate; CANYU_FUZZ_CHECKS=all (or a list)
# explores the others by hand.
checks=${CANYU_FUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance}
seed=${CANYU_FUZZ_SEED:-1}
venv=target/fuzz-venv
bin=target/debug/canyu
out=target/fuzz

say() { echo "fuzz: $*"; }
die() { echo "fuzz: FAILED: $*" >&2; exit 1; }

# --- schemathesis in a venv of its own, reinstalled only when the pinned version changes ---
if [ "$("$venv/bin/st" --version 2>/dev/null | awk '{print $NF}')" != "$st_version" ]; then
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    say "installing python3-venv from Debian"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
  fi
  say "installing schemathesis $st_version into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$st_version"
fi

# --- the server binary (normally already built by `cargo test`) ---
if [ ! -x "$bin" ]; then
  say "building $bin"
  cargo build -p server --bin canyu --quiet
fi

rm -rf "$out"
mkdir -p "$out"
data=$(mktemp -d)
log="$out/server.log"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- start the server; a port taken between choosing and binding gets another try ---
for attempt in 1 2 3; do
  port=$(free_port)
  base="http://127.0.0.1:$port"
  rm -rf "${data:?}"/* && : >"$log"
  CANYU_DATA_DIR="$data" CANYU_SITE_ROOT=target/site CANYU_LISTEN="127.0.0.1:$port" RUST_LOG=warn \
    CANYU_COMMENTS_PER_MINUTE=100000 CANYU_FILINGS_PER_MINUTE=100000 CANYU_LOOKUPS_PER_MINUTE=100000 \
    CANYU_STAFF_WORK_PER_MINUTE=100000 CANYU_SIGNED_IN_PER_ADDRESS_PER_MINUTE=100000 CANYU_ANONYMOUS_UPLOAD_MB_PER_HOUR=100000 CANYU_LOGIN_PER_MINUTE=100000 CANYU_REGISTER_PER_HOUR=100000 \
    "$bin" serve --demo >"$log" 2>&1 &
  server_pid=$!
  up=""
  for _ in $(seq 600); do
    kill -0 "$server_pid" 2>/dev/null || break
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = 200 ]; then up=1; break; fi
    sleep 0.1
  done
  [ -n "$up" ] && break
  if kill -0 "$server_pid" 2>/dev/null; then
    cat "$log" >&2
    die "the server did not answer /healthz with 200 within 60 s"
  fi
  wait "$server_pid" || true
  server_pid=""
  say "the server exited before it answered (attempt $attempt):"
  cat "$log" >&2
done
[ -n "$server_pid" ] || die "could not start the server"
say "server up at $base (pid $server_pid)"

# --- sessions ---
json_credentials() {
  python3 -c 'import json, sys; print(json.dumps({"login": sys.argv[1], "password": sys.argv[2]}))' "$1" "$2"
}
# The canyu_sid value from a curl header dump (the last one set).
sid_from() { sed -n 's/^[Ss]et-[Cc]ookie: canyu_sid=\([^;]*\).*/\1/p' "$1" | tail -n 1; }

sign_in() { # login password -> canyu_sid
  local h="$out/signin.headers"
  curl -sS -o /dev/null -D "$h" -H 'Content-Type: application/json' \
    --data "$(json_credentials "$1" "$2")" "$base/api/v1/session"
  sid_from "$h"
}

citizen_sid=$(sign_in 13800000001 demo-password)
[ -n "$citizen_sid" ] || die "could not sign in as the demo citizen 13800000001"

# A demo staff account, signed in with the one-time password the demo printed for it
# ("  login  password") and then given a password of its own, as it must before it may act.
staff_session() { # login -> canyu_sid
  local login=$1 otp sid h="$out/password.headers" new
  otp=$(awk -v l="$login" '$1 == l { print $2; exit }' "$log")
  [ -n "$otp" ] || die "no one-time password for $login in the server's output"
  sid=$(sign_in "$login" "$otp")
  [ -n "$sid" ] || die "could not sign in as $login with its one-time password"
  curl -sS -o /dev/null -D "$h" -H "Cookie: canyu_sid=$sid" \
    --data-urlencode "current=$otp" --data-urlencode "new=fuzz-$otp-changed" "$base/account/password"
  new=$(sid_from "$h")
  [ -n "$new" ] || { cat "$h" >&2; die "changing $login's one-time password gave no new session"; }
  echo "$new"
}
staff_sid=$(staff_session jiaotong@demo.example)
officer_sid=$(staff_session xinfang@demo.example)
for check in "staff_sid:/api/v1/staff/cases?queue=unit" "officer_sid:/api/v1/staff/cases"; do
  var=${check%%:*}
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: canyu_sid=${!var}" "$base${check#*:}")
  [ "$code" = 200 ] || die "the ${var%_sid} session is refused by GET ${check#*:} (HTTP $code)"
done

# --- the passes ---
fuzz() { # name [extra st arguments...]
  local name=$1; shift
  say "pass '$name' (${seconds} s)"
  local rc=0
  # Run from inside $out: schemathesis keeps its crash cache (.schemathesis/) and hypothesis its
  # example database (.hypothesis/) in the working directory, which must not be the checkout.
  (cd "$out" && timeout --kill-after=10 $((seconds + 60)) "$root/$venv/bin/st" run "$base/api/v1/openapi.json" \
    --checks "$checks" --max-time "$seconds" --workers 1 --seed "$seed" \
    --request-timeout 10 --max-redirects 0 --no-color --warnings off \
    --report junit,har --report-dir "$name" "$@" >"$name.txt" 2>&1) || rc=$?
  # The whole report when something failed, else the count and the closing line.
  if [ "$rc" = 0 ]; then grep -E ' generated|=====.* in [0-9.]+s' "$out/$name.txt" || true; else cat "$out/$name.txt"; fi
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    die "pass '$name' overran its time limit"
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    tail -n 50 "$log" >&2
    die "the server died during pass '$name'"
  fi
  if grep -q 'panicked at' "$log"; then
    say "the server panicked during or before pass '$name'"
    rc=1
  fi
  return "$rc"
}

failed=""
fuzz anonymous || failed="$failed anonymous"
fuzz citizen -H "Cookie: canyu_sid=$citizen_sid" || failed="$failed citizen"
fuzz staff -H "Cookie: canyu_sid=$staff_sid" || failed="$failed staff"
fuzz petition-officer -H "Cookie: canyu_sid=$officer_sid" || failed="$failed petition-officer"

if grep -n 'panicked at' "$log" >&2; then
  failed="$failed panic"
  say "the server panicked; see $log"
fi
kill -0 "$server_pid" 2>/dev/null || die "the server died"
[ -z "$failed" ] || die "fuzzing found problems in:$failed (reports in $out/)"
say "no 5xx answers and no panics"
