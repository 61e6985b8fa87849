#!/usr/bin/env bash
# One run, one table: how close the release server comes to nginx serving
# the same bytes as a static file. wrk -t2 -c32 against
#   - the nearby API (20 results, JSON), the server vs nginx with its answer
#     saved to a file;
#   - the server-rendered results page with and without Accept-Encoding: br,
#     the server vs nginx with the server's brotli answer saved to a file
#     (served with Content-Encoding: br, as a precompressed file would be);
#   - the home page.
# The load generator shares the machine's two cores with what it measures:
# read the ratios, measured in the same run, not the absolute figures.
#   scripts/bench-server.sh [seconds]
# Needs the release build, wrk and nginx (Debian: wrk, nginx-light).
# With LINLI_BENCH_BASELINE=DIR, a checkout of an earlier commit with its
# own release build (git worktree add DIR COMMIT; cd DIR; cargo leptos build
# --release --precompress --split), the results page is also measured
# against that build in the same run, alternating, and the ratio printed.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
. scripts/bench-lib.sh && bench_needs wrk nginx curl
dir="$(mktemp -d)"
chmod 755 "$dir"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"' EXIT

app=http://127.0.0.1:3320
static=http://127.0.0.1:3321
api="/api/v1/facilities/nearby?lat=30.651&lng=104.058&minutes=15"
page="/nearby?lat=30.651&lng=104.058&minutes=15"

DATABASE_URL="sqlite://$dir/linli.db" LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="${app#http://}" \
  LEPTOS_ENV=PROD RUST_LOG=warn LINLI_PHOTO_DIR="$dir/photos" "$bin" serve &
pids+=($!)
until curl -sf "$app/healthz" >/dev/null; do sleep 0.1; done

mkdir -p "$dir/www"
curl -sf "$app$api" -o "$dir/www/nearby.json"
curl -sf -H 'Accept-Encoding: br' "$app$page" -o "$dir/www/page.html.br"
{ [ "$(id -u)" -ne 0 ] || echo "user root;"
  cat <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  server {
    listen ${static#http://};
    root $dir/www;
    location = /nearby.json { default_type application/json; }
    location = /page.html.br { default_type text/html; add_header Content-Encoding br; }
  }
}
EOF
} > "$dir/nginx.conf"
nginx -p "$dir" -c "$dir/nginx.conf" -g "daemon off;" &
pids+=($!)
until curl -sf "$static/nearby.json" >/dev/null; do sleep 0.1; done

# Requests/s, p50 and p99 in ms of one wrk run.
measure() { # URL [HEADER]
  local args=(-t2 -c32 -d"${secs}s" --latency)
  [ $# -lt 2 ] || args+=(-H "$2")
  wrk "${args[@]}" "$1" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Requests\/sec/ { rps = $2 }
    /Non-2xx/ { bad = $NF }
    END { if (bad) { print "non-2xx answers: " bad > "/dev/stderr"; exit 1 } printf "%.0f %.2f %.2f", rps, p50, p99 }'
}
row() { # LABEL BYTES RESULT [BASELINE-RPS]
  local rps p50 p99 ratio=""
  read -r rps p50 p99 <<<"$3"
  [ -z "${4:-}" ] || ratio=$(awk -v a="$rps" -v b="$4" 'BEGIN { printf "%.2f×", a / b }')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$rps" "$p50" "$p99" "$ratio"
}
size() { wc -c <"$1" | tr -d ' '; }

echo "| answer | bytes | requests/s | p50 ms | p99 ms | of nginx |"
echo "|---|---|---|---|---|---|"
nginx_api=$(measure "$static/nearby.json")
row "nginx: the nearby API's JSON as a file" "$(size "$dir/www/nearby.json")" "$nginx_api"
row "server: nearby API" "$(size "$dir/www/nearby.json")" "$(measure "$app$api")" "${nginx_api%% *}"
nginx_page=$(measure "$static/page.html.br")
row "nginx: the results page's brotli as a file" "$(size "$dir/www/page.html.br")" "$nginx_page"
row "server: results page, brotli" "$(size "$dir/www/page.html.br")" \
  "$(measure "$app$page" 'Accept-Encoding: br')" "${nginx_page%% *}"
row "server: results page, uncompressed" "$(curl -sf "$app$page" | wc -c | tr -d ' ')" "$(measure "$app$page")" "${nginx_page%% *}"
row "server: home page, brotli" "$(curl -sf -H 'Accept-Encoding: br' "$app/" | wc -c | tr -d ' ')" \
  "$(measure "$app/" 'Accept-Encoding: br')"

if [ -n "${LINLI_BENCH_BASELINE:-}" ]; then
  base=http://127.0.0.1:3322
  base_dir="$(cd "$LINLI_BENCH_BASELINE" && pwd)"
  [ -x "$base_dir/target/release/server" ] || { echo "no release build in $base_dir" >&2; exit 1; }
  (cd "$base_dir" && DATABASE_URL="sqlite://$dir/baseline.db" LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR="${base#http://}" \
    LEPTOS_ENV=PROD RUST_LOG=warn LINLI_PHOTO_DIR="$dir/baseline-photos" target/release/server serve) &
  pids+=($!)
  until curl -sf "$base/healthz" >/dev/null; do sleep 0.1; done
  label="baseline $(git -C "$base_dir" rev-parse --short HEAD)"
  echo
  echo "| results page, brotli | bytes | requests/s | p50 ms | p99 ms | of the baseline |"
  echo "|---|---|---|---|---|---|"
  for round in 1 2; do
    theirs=$(measure "$base$page" 'Accept-Encoding: br')
    ours=$(measure "$app$page" 'Accept-Encoding: br')
    row "$label, round $round" "$(curl -sf -H 'Accept-Encoding: br' "$base$page" | wc -c | tr -d ' ')" "$theirs"
    row "this build, round $round" "$(curl -sf -H 'Accept-Encoding: br' "$app$page" | wc -c | tr -d ' ')" "$ours" "${theirs%% *}"
  done
fi
