#!/usr/bin/env bash
# Serving rates of the site's files against the home page, measured in one run: `wrk` against a
# release build started on the demo data in a temporary folder, loopback only. Prints requests/s
# for each address, on 32 connections and on one kept-alive connection, and the ratio to the home
# page of the same pass. Needs `wrk` (Debian package) and a built site (`bash .ci/site.sh`).
#   bash .ci/bench-static.sh [seconds per measurement, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
bin=${CANYU_BIN:-target/release/canyu}
site=${CANYU_SITE_ROOT:-target/site}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -f "$site/hash.txt" ] || { echo "no built site in $site: bash .ci/site.sh" >&2; exit 1; }
[ -x "$bin" ] || cargo build --release -p server --quiet

data=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CANYU_DATA_DIR="$data" CANYU_LISTEN="127.0.0.1:$port" CANYU_SITE_ROOT="$site" "$bin" serve --demo \
  >"$data/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
  curl -fs "$base/healthz" >/dev/null && break
  sleep 0.5
done

name() { awk -v k="$1:" '$1 == k { print $2 }' "$site/hash.txt"; }
css="/pkg/canyu.$(name css).css"
js="/pkg/canyu.$(name js).js"
wasm="/pkg/canyu.$(name wasm).wasm"
gz='Accept-Encoding: gzip'
br='Accept-Encoding: gzip, deflate, br'
tag=$(curl -fs -o /dev/null -D - "$base/" | awk 'tolower($1) == "etag:" { sub(/\r$/, "", $2); print $2 }')

rate() { # connections path [header]
  local conns=$1 path=$2
  shift 2
  local args=()
  [ $# -gt 0 ] && args=(-H "$1")
  wrk -t1 -c"$conns" -d"${secs}s" "${args[@]}" "$base$path" | awk '/^Requests\/sec/ { printf "%.0f", $2 }'
}

for conns in 32 1; do
  echo "== $conns connection(s), ${secs} s each"
  home=$(rate "$conns" /)
  printf '%-48s %8s req/s  1.00\n' "/ (home page, identity)" "$home"
  while IFS='|' read -r label path header; do
    r=$(rate "$conns" "$path" ${header:+"$header"})
    printf '%-48s %8s req/s  %.2f\n' "$label" "$r" "$(echo "$r / $home" | bc -l)"
  done <<LIST
/ (home page, gzip)|/|$gz
/ (home page revalidated: 304)|/|If-None-Match: $tag
$css|$css|
$css (brotli)|$css|$br
/favicon.svg|/favicon.svg|
$js (brotli)|$js|$br
$wasm (brotli)|$wasm|$br
$wasm (identity)|$wasm|
LIST
done
