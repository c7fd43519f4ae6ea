#!/usr/bin/env bash
# Builds the browser side into target/site without cargo-leptos: the hydrate wasm (size-optimised
# profile), wasm-bindgen's JS glue, wasm-opt, the stylesheet and public/ assets.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
site=${CANYU_SITE_ROOT:-target/site}

cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate \
  --profile wasm-release --quiet
mkdir -p "$site/pkg"
wasm-bindgen --target web --no-typescript --out-name canyu --out-dir "$site/pkg" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/app.wasm"
end2end/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$site/pkg/canyu_bg.wasm" -o "$site/pkg/canyu_bg.wasm"
cp public/style.css "$site/pkg/canyu.css"
cp -r public/. "$site/"
raw=$(stat -c %s "$site/pkg/canyu_bg.wasm")
gz=$(gzip -9 -c "$site/pkg/canyu_bg.wasm" | wc -c)
echo "==> site built in $site: wasm ${raw} bytes, ${gz} bytes gzip"
