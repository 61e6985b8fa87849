#!/usr/bin/env bash
# The crash test at a larger size, on SQLite and on a throwaway PostgreSQL:
# concurrent clients submit suggestions (a third with photos), a committee
# member changes statuses, and the server is SIGKILLed at random moments
# and restarted; then everything acknowledged is checked (server/tests/crash.rs).
#   scripts/crash.sh [submissions] [kills] [clients]
# Defaults: 1000 submissions, 10 kills, 16 clients. LINLI_CRASH_SEED repeats
# a run's kill moments (each run prints its seed).
set -euo pipefail
cd "$(dirname "$0")/.."
export LINLI_CRASH_SUBMISSIONS="${1:-1000}" LINLI_CRASH_KILLS="${2:-10}" LINLI_CRASH_CLIENTS="${3:-16}"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
pg_dir="$(mktemp -d)"
trap 'scripts/postgres.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
log="$pg_dir/crash.log"
run() {
  if cargo test -q -p server --test crash -- --nocapture >"$log" 2>&1; then
    grep -E '^crash run|^test result' "$log"
  else
    grep -E -A4 '^crash run|panicked' "$log" >&2 || tail -40 "$log" >&2
    exit 1
  fi
}
run
LINLI_TEST_POSTGRES="$(scripts/postgres.sh start "$pg_dir")" LINLI_TEST_POSTGRES_CA="$pg_dir/ca.crt" run
