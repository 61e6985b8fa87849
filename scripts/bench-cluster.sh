#!/usr/bin/env bash
# One run, one table: the nearby API (wrk) and suggestion submissions
# (end2end/bench/suggestions-load.mjs, JSON, a fresh Idempotency-Key each)
# against the release server on SQLite, on PostgreSQL, and on PostgreSQL
# with one and with two app servers behind nginx (deploy/nginx.conf). The
# load generator shares the machine's cores with everything it measures, so
# read the rows against each other, not as capacity.
#   scripts/bench-cluster.sh [seconds]
# Needs the release build, wrk and nginx (Debian: wrk, nginx-light).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
. scripts/bench-lib.sh && bench_needs wrk nginx node
dir="$(mktemp -d)"
# Its own folder: the server runs as `postgres`, who cannot enter $dir.
pgdir="$(mktemp -d)"
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
trap 'stop_all; scripts/postgres.sh stop "$pgdir"; rm -rf "$dir" "$pgdir"' EXIT
pg="$(scripts/postgres.sh start "$pgdir")"
nearby="/api/v1/facilities/nearby?lat=30.651&lng=104.058&minutes=15"

serve() { # URL PORT
  DATABASE_URL="$1" LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="127.0.0.1:$2" LEPTOS_ENV=PROD \
    RUST_LOG=warn LINLI_WRITE_BURST=100000000 LINLI_WRITE_PERIOD_MS=1 LINLI_TRUSTED_PROXIES=127.0.0.1 \
    LINLI_PHOTO_DIR="$dir/photos" "$bin" serve &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$2/healthz" >/dev/null; do sleep 0.1; done
}
proxy() { # LISTEN-PORT UPSTREAM-PORT...
  local port=$1; shift
  local ups=""
  for u in "$@"; do ups+="server 127.0.0.1:$u; "; done
  mkdir -p "$dir/nginx-$port"
  { [ "$(id -u)" -ne 0 ] || echo "user root;"
    sed -e "s|@UPSTREAMS@|$ups|" -e "s|@LISTEN@|127.0.0.1:$port|" -e "s|@PREFIX@|$dir/nginx-$port|" deploy/nginx.conf
  } > "$dir/nginx-$port/nginx.conf"
  nginx -p "$dir/nginx-$port" -c "$dir/nginx-$port/nginx.conf" -g "daemon off;" &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
}
row() { # LABEL BASE
  local rps subs
  rps=$(wrk -t2 -c32 -d"${secs}s" "$2$nearby" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  subs=$(node end2end/bench/suggestions-load.mjs "$2" "$secs" 16 | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(`${r.per_second} | ${r.p50_ms} | ${r.p99_ms}`)})')
  printf '| %s | %s | %s |\n' "$1" "$rps" "$subs"
}

echo "| setup | nearby API requests/s | submissions/s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|"
serve "sqlite://$dir/linli.db" 3301
row "SQLite, one server" http://127.0.0.1:3301
stop_all
psql -q "$pg" -c "CREATE DATABASE bench"
url="${pg%/*}/bench"
serve "$url" 3302
row "PostgreSQL, one server" http://127.0.0.1:3302
proxy 3310 3302
row "PostgreSQL, one server behind nginx" http://127.0.0.1:3310
serve "$url" 3303
proxy 3311 3302 3303
row "PostgreSQL, two servers behind nginx" http://127.0.0.1:3311
