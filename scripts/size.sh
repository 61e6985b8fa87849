#!/usr/bin/env bash
# Prints the size of the release bundle, raw and as served (brotli, the
# files cargo-leptos precompresses with --precompress).
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=target/site/pkg
total=0
for f in linli.wasm linli.js linli.css; do
  raw=$(stat -c %s "$pkg/$f")
  br=$(stat -c %s "$pkg/$f.br")
  total=$((total + br))
  printf '%-12s %8d bytes raw %8d bytes brotli\n' "$f" "$raw" "$br"
done
printf '%-12s %8s           %8d bytes brotli (plus the page itself)\n' "assets" "" "$total"
