#!/usr/bin/env bash
# Installs what building and testing need, from the package registries only:
# the wasm32 target, the wasm-bindgen CLI matching Cargo.lock, and (with --browser) Debian's
# chromium with a CJK font, plus the npm packages in end2end/ (Playwright, binaryen's wasm-opt), and
# Debian's brotli for the site's precompressed files.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target add wasm32-unknown-unknown >/dev/null

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "==> installing wasm-bindgen-cli $want"
  cargo install wasm-bindgen-cli --version "$want" --quiet
fi

if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  echo "==> npm ci (end2end)"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi

if ! command -v brotli >/dev/null; then
  # For the site's precompressed .br files (.ci/site.sh makes gzip copies only without it).
  echo "==> installing brotli from Debian"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq brotli >/dev/null; } ||
    echo "==> brotli not installed: the site gets gzip copies only" >&2
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null; then
  echo "==> installing chromium and fonts-wqy-microhei from Debian"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi
