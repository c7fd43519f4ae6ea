#!/usr/bin/env bash
# Builds the browser side into target/site without cargo-leptos: the hydrate wasm (size-optimised
# profile), wasm-bindgen's JS glue, wasm-opt, the stylesheet and public/ assets. The bundle's files
# are named by their content (`canyu.<16 hex digits of SHA-256>.js`, `.wasm`, `.css`, listed in
# `hash.txt` for the server), so browsers keep them for a year; every file gets a brotli and a gzip
# copy beside it (`.br`, `.gz`) that the server sends to browsers that accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
site=${CANYU_SITE_ROOT:-target/site}

cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate \
  --profile wasm-release --quiet
# Earlier builds' bundles go: the pages of this build link only this one.
rm -rf "$site/pkg" "$site/hash.txt"
mkdir -p "$site/pkg"
wasm-bindgen --target web --no-typescript --out-name canyu --out-dir "$site/pkg" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/app.wasm"
end2end/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$site/pkg/canyu_bg.wasm" -o "$site/pkg/canyu_bg.wasm"
cp public/style.css "$site/pkg/canyu.css"
cp -r public/. "$site/"

# Fingerprints, in the format Leptos's HydrationScripts and HashedStylesheet read.
fingerprint() { sha256sum "$1" | cut -c1-16; }
js=$(fingerprint "$site/pkg/canyu.js")
wasm=$(fingerprint "$site/pkg/canyu_bg.wasm")
css=$(fingerprint "$site/pkg/canyu.css")
mv "$site/pkg/canyu.js" "$site/pkg/canyu.$js.js"
mv "$site/pkg/canyu_bg.wasm" "$site/pkg/canyu.$wasm.wasm"
mv "$site/pkg/canyu.css" "$site/pkg/canyu.$css.css"
printf 'js: %s\nwasm: %s\ncss: %s\n' "$js" "$wasm" "$css" > "$site/hash.txt"

# Precompressed copies, kept only where smaller than the file.
if ! command -v brotli >/dev/null; then
  echo "==> no brotli command (Debian package brotli; .ci/setup.sh installs it): gzip copies only" >&2
fi
find "$site" -type f \( -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.svg' -o -name '*.txt' \
  -o -name '*.html' -o -name '*.json' \) ! -name hash.txt | while read -r f; do
  gzip -9 -n -k -f "$f"
  if command -v brotli >/dev/null; then brotli -q 11 -k -f "$f"; fi
  for c in "$f.gz" "$f.br"; do
    if [ -f "$c" ] && [ "$(stat -c %s "$c")" -ge "$(stat -c %s "$f")" ]; then rm -f "$c"; fi
  done
done

w="$site/pkg/canyu.$wasm.wasm"
raw=$(stat -c %s "$w")
gz=$(stat -c %s "$w.gz")
br=$( [ -f "$w.br" ] && stat -c %s "$w.br" || echo "-")
echo "==> site built in $site: wasm ${raw} bytes, ${gz} bytes gzip, ${br} bytes brotli"
