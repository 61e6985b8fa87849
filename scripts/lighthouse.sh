#!/usr/bin/env bash
# Lighthouse 12 benchmark of the resident pages on a phone (default mobile
# config: small screen, simulated slow 4G and CPU slowdown) in Debian's
# Chromium: performance, accessibility, best-practices and SEO scores plus
# FCP, LCP, TBT, CLS, bytes and request count per page.
#
# A benchmark, not a test: it never fails on a score, and the numbers vary
# on a shared machine, so each page is loaded 3 times and medians are shown.
# It starts the release server on a fresh temporary SQLite database (the
# server seeds the demo data into an empty one), runs
# end2end/bench/lighthouse/run.mjs and stops the server again.
#
#   scripts/lighthouse.sh                 all resident pages
#   scripts/lighthouse.sh / /sorting      only these pages
#   scripts/lighthouse.sh --runs 5 /      more runs per page
#
# Results: target/lighthouse/summary.json and target/lighthouse/<page>.json.
# Needs a release build (see below); CHROME_PATH overrides /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

bench=end2end/bench/lighthouse
addr=127.0.0.1:3200

if [[ ! -d $bench/node_modules/lighthouse ]]; then
  echo "installing Lighthouse into $bench …" >&2
  (cd "$bench" && npm ci --no-audit --no-fund)
fi

if [[ ! -x target/release/server || ! -d target/site ]]; then
  cat >&2 <<'EOF'
No release build (target/release/server and target/site). Build it first:
  PATH="$PWD/tools/node_modules/.bin:$PATH" cargo leptos build --release --precompress --split
EOF
  exit 1
fi

if curl -s -o /dev/null "http://$addr/" 2>/dev/null; then
  echo "something already listens on $addr; stop it first" >&2
  exit 1
fi

tmp=$(mktemp -d)
pid=
cleanup() {
  if [[ -n $pid ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

DATABASE_URL="sqlite://$tmp/linli.db" LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR=$addr \
  LEPTOS_ENV=PROD RUST_LOG=warn LINLI_PHOTO_DIR="$tmp/photos" \
  target/release/server serve >"$tmp/server.log" 2>&1 &
pid=$!

ready=
for _ in $(seq 1 150); do
  if curl -sf "http://$addr/healthz" >/dev/null 2>&1; then
    ready=1
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    break
  fi
  sleep 0.2
done
if [[ -z $ready ]]; then
  echo "the server did not become ready on $addr; its log:" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi

status=0
node "$bench/run.mjs" --base "http://$addr" "$@" || status=$?
if [[ -s $tmp/server.log ]]; then
  echo "--- server log (warnings and errors) ---" >&2
  tail -n 40 "$tmp/server.log" >&2
fi
exit "$status"
