#!/usr/bin/env bash
# Sets up what is missing, builds the release app and runs it on SQLite,
# seeded with the demo data on first start: http://127.0.0.1:3000
#   DATABASE_URL       default sqlite://data/linli.db
#   LEPTOS_SITE_ADDR   default 127.0.0.1:3000
#   RUST_LOG           default info
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/tools/node_modules/.bin:$PATH"
cargo leptos build --release --precompress --split
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export LEPTOS_ENV="${LEPTOS_ENV:-PROD}"
exec target/release/server serve
