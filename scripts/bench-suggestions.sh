#!/usr/bin/env bash
# Benchmark of sustained suggestion submissions: starts the release server
# on a fresh SQLite file (WAL, synchronous=FULL: what we ship), then runs
# end2end/bench/suggestions-load.mjs — JSON only, then with one photo each.
# Build first: cargo leptos build --release --precompress --split
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
concurrency=${2:-16}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
DATABASE_URL="sqlite://$dir/linli.db" LINLI_PHOTO_DIR="$dir/photos" LINLI_WRITE_BURST=100000000 \
  LINLI_WRITE_PERIOD_MS=1 LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR=127.0.0.1:3200 RUST_LOG=warn \
  target/release/server serve &
pid=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:3200/healthz >/dev/null && break; sleep 0.2; done
node end2end/bench/suggestions-load.mjs http://127.0.0.1:3200 "$seconds" "$concurrency"
# A phone photo as the browser sends it after shrinking: 1600 px, ~300 KB.
photo="$dir/photo.jpg"
cargo run -q --release -p server --example sample_photo -- "$photo" 1600 1200
node end2end/bench/suggestions-load.mjs http://127.0.0.1:3200 "$seconds" "$concurrency" "$photo"
echo "stored: $(sqlite3 "$dir/linli.db" 'SELECT COUNT(*) FROM suggestions' 2>/dev/null || echo '?') suggestions"
