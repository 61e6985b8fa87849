#!/usr/bin/env bash
# Prints the size of the release bundle, raw and as served (brotli, the
# files cargo-leptos precompresses with --precompress). With --split, lazy
# islands are separate chunks (split_*, and chunk_* for code they share)
# that only the pages using them download. The rest is loaded by pages with
# an island (pages without one load no WASM: app/src/components/hydration.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=target/site/pkg
first=0
for f in "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css; do
  name=$(basename "$f")
  raw=$(stat -c %s "$f")
  br=$(stat -c %s "$f.br")
  case "$name" in
    split_*|chunk_*) kind="lazy chunk" ;;
    *.css) kind="every page"; first=$((first + br)) ;;
    *) kind="islands"; first=$((first + br)) ;;
  esac
  printf '%-60s %-10s %8d bytes raw %8d bytes brotli\n' "$name" "$kind" "$raw" "$br"
done
printf 'loaded by a page with an island: %d bytes brotli (plus the page itself)\n' "$first"
