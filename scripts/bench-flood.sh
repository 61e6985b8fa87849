#!/usr/bin/env bash
# Fairness under a flood, and memory under many connections, against the
# release server on SQLite with the production rate limits:
#  1. resident pages alone (8 connections from one address): median, p99;
#  2. the same while one other address floods suggestions, then sign-ins,
#     as fast as it can (its answers counted: 429s with Retry-After);
#  3. the resident set size idle, with 2,000 open connections working,
#     and after.
# Load generators share the 2 cores with the server: read the rows
# against each other.
#   scripts/bench-flood.sh [seconds]
# Needs the release build and wrk (Debian: wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
. scripts/bench-lib.sh && bench_needs wrk
# 2,000 connections need more open files than the usual soft limit.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
dir="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
DATABASE_URL="sqlite://$dir/flood.db" LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  LEPTOS_ENV=PROD LEPTOS_OUTPUT_NAME=linli RUST_LOG=error LINLI_TRUSTED_PROXIES=127.0.0.1 \
  LINLI_PHOTO_DIR="$dir/photos" "$bin" serve &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 600); do
  curl -sf "$base/healthz" >/dev/null && break
  kill -0 $pid 2>/dev/null || { echo "the server exited" >&2; exit 1; }
  sleep 0.1
done
rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status"; }
page="/nearby?lat=30.651&lng=104.058&minutes=15"

# Median and p99 of the resident pages (the results page and the home page).
resident() { # LABEL
  local out
  for path in "$page" "/"; do
    out="$(wrk -t1 -c8 -d"${secs}s" --latency -H "X-Forwarded-For: 198.51.100.7" \
      -H "Accept-Encoding: br" "$base$path")"
    printf '%-28s %-36s median %8s  p99 %8s  %s req/s\n' "$1" "$path" \
      "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
      "$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  done
}

started_rss="$(rss)"
echo "== fairness (${secs} s per row)"
resident "idle"
for flood in suggest login; do
  WRK_FLOOD=$flood wrk -t1 -c32 -d"$((secs * 2 + 2))s" -s scripts/wrk/flood.lua "$base" \
    > "$dir/flood-$flood.txt" &
  fpid=$!
  sleep 1
  resident "while $flood is flooded"
  wait $fpid
  grep '^flood' "$dir/flood-$flood.txt"
done

echo "== memory"
echo "after start: $started_rss; after the runs above: $(rss)"
wrk -t2 -c2000 -d"${secs}s" -H "X-Forwarded-For: 198.51.100.8" \
  "$base/api/v1/facilities/nearby?lat=30.651&lng=104.058" > "$dir/many.txt" &
wpid=$!
sleep "$((secs / 2))"
echo "with 2,000 connections: $(rss) ($(ls /proc/$pid/fd | wc -l) open files)"
wait $wpid
awk '/Requests\/sec|Socket errors|Non-2xx/' "$dir/many.txt"
grep -q "Socket errors" "$dir/many.txt" || echo "no socket errors: all 2,000 connections served"
sleep 2
echo "after they closed: $(rss)"
