#!/usr/bin/env bash
# Runs server test binaries again and again, in parallel as the test
# command does, each run under a time limit, and counts failures and hangs
# (a run past the limit). Set LINLI_TEST_POSTGRES to repeat on PostgreSQL.
#   scripts/repeat-tests.sh [runs] [test binary names...]
# Default: 50 runs of the binaries that render pages in-process.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-50}"
shift || true
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(api pages review suggestions pwa sorting headers import parallel_routers)
args=()
for t in "${tests[@]}"; do args+=(--test "$t"); done
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
cargo test -q -p server "${args[@]}" --no-run
failed=0 hung=0
start=$(date +%s)
for i in $(seq "$runs"); do
  rc=0
  timeout 300 cargo test -q -p server "${args[@]}" >"/tmp/repeat-tests.$$.log" 2>&1 || rc=$?
  if [ "$rc" -eq 124 ]; then
    hung=$((hung + 1)); echo "run $i: hung"; cp "/tmp/repeat-tests.$$.log" "/tmp/repeat-tests.hung.$i.log"
  elif [ "$rc" -ne 0 ]; then
    failed=$((failed + 1)); echo "run $i: failed"; cp "/tmp/repeat-tests.$$.log" "/tmp/repeat-tests.failed.$i.log"
  fi
done
rm -f "/tmp/repeat-tests.$$.log"
echo "repeat-tests: $runs runs of ${tests[*]} in $(( $(date +%s) - start )) s: $hung hung, $failed failed"
[ "$hung" -eq 0 ] && [ "$failed" -eq 0 ]
