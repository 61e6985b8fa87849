#!/usr/bin/env bash
# Sets up what is missing and runs every check and test:
# formatting, lints, unit and property tests, the server's integration
# tests (the real router, and real server processes: crashes, a database
# going away, slow clients) on SQLite and again on a throwaway PostgreSQL
# server, schemathesis over the API on both, a release build, and the
# end-to-end tests in Debian's Chromium against the release server. The
# benchmarks are type-checked by clippy and built when run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$PWD/tools/node_modules/.bin:$PATH"
# A one-shot run gains nothing from incremental builds, which would add
# tens of GB of caches to target/.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# A PostgreSQL server of our own for this run, stopped and deleted at exit.
pg_dir="$(mktemp -d)"
trap 'scripts/postgres.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT

step "format"
cargo fmt --all -- --check

step "lints (server and browser builds)"
# --all-targets type-checks the benchmarks too; building them for real is a
# third optimised build of everything (13 minutes and GBs of disk here), so
# they are built when run: cargo bench -p app --features ssr; cargo bench -p server
cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests"
cargo test -p app --features ssr
# In parallel (routes are listed once per process, see route_list in
# server/src/http.rs); scripts/repeat-tests.sh repeats runs to find hangs.
cargo test -p server

step "API fuzzing (schemathesis) on SQLite"
scripts/api-fuzz.sh target/debug/server

step "integration tests again on PostgreSQL"
LINLI_TEST_POSTGRES="$(scripts/postgres.sh start "$pg_dir")"
LINLI_TEST_POSTGRES_CA="$pg_dir/ca.crt"
export LINLI_TEST_POSTGRES LINLI_TEST_POSTGRES_CA
cargo test -p server

step "API fuzzing (schemathesis) on PostgreSQL"
psql -q "$LINLI_TEST_POSTGRES" -c "CREATE DATABASE linli_fuzz"
scripts/api-fuzz.sh target/debug/server "${LINLI_TEST_POSTGRES%/*}/linli_fuzz"

step "release build"
cargo leptos build --release --precompress --split
scripts/size.sh

step "end-to-end (Chromium)"
(cd end2end && npx playwright test)
