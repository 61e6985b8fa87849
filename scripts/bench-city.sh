#!/usr/bin/env bash
# A city's worth of facilities: imports N (default 100 000) into a fresh
# database, then measures what issue 11 asks of it: start-up to a healthy
# /healthz, the server's memory, the offline download's size, and how long
# an edit of one facility (a CLI import of one row) takes to reach residents.
#   scripts/bench-city.sh [N] [sqlite|postgres]
# Needs the release build (scripts/run.sh or cargo leptos build --release).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
backend="${2:-sqlite}"
. scripts/bench-lib.sh && bench_needs
dir="$(mktemp -d)"
# Its own folder: the server runs as `postgres`, who cannot enter $dir.
pgdir="$(mktemp -d)"
pid=""
cleanup() {
  [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  [ "$backend" != postgres ] || scripts/postgres.sh stop "$pgdir"
  rm -rf "$dir" "$pgdir"
}
trap cleanup EXIT
if [ "$backend" = postgres ]; then
  base="$(scripts/postgres.sh start "$pgdir")"
  psql -q "$base" -c "CREATE DATABASE city"
  url="${base%/*}/city"
else
  url="sqlite://$dir/city.db"
fi
now_ms() { date +%s%3N; }

# Every seed facility copied to a random place in central Chengdu (about
# 44 × 44 km, the ring-road city and its near suburbs) until there are N:
# 100 000 is about 50 a square kilometre.
python3 - "$n" seeds/facilities.csv "$dir/city.csv" <<'PY'
import csv, random, sys
n, src, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rows = list(csv.DictReader(open(src, encoding="utf-8")))
random.seed(11)
with open(out, "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=rows[0].keys())
    w.writeheader()
    for i in range(n):
        r = dict(rows[i % len(rows)])
        r["ref"] = f"city-{i}"
        r["lat"] = f"{random.uniform(30.47, 30.87):.6f}"
        r["lng"] = f"{random.uniform(103.83, 104.29):.6f}"
        w.writerow(r)
PY
export DATABASE_URL="$url" RUST_LOG=warn
"$bin" import --communities seeds/communities.csv >/dev/null
t0=$(now_ms)
"$bin" import "$dir/city.csv" >/dev/null
echo "import of $n facilities ($backend): $(( $(now_ms) - t0 )) ms"

addr=127.0.0.1:3290
t0=$(now_ms)
LINLI_SEED=0 LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR=$addr LINLI_PHOTO_DIR="$dir/photos" \
  "$bin" serve &
pid=$!
until curl -sf "http://$addr/healthz" >/dev/null; do sleep 0.02; done
echo "start-up to healthy: $(( $(now_ms) - t0 )) ms"
echo "memory (VmRSS): $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' /proc/$pid/status)"
raw=$(curl -s "http://$addr/api/v1/facilities/all" | wc -c)
br=$(curl -s -H 'accept-encoding: br' "http://$addr/api/v1/facilities/all" | wc -c)
echo "/api/v1/facilities/all: $(( raw / 1024 )) KB raw, $(( br / 1024 )) KB brotli"

# One facility renamed by a one-row import, as staff would fix one.
head -1 "$dir/city.csv" > "$dir/one.csv"
sed -n 2p "$dir/city.csv" | sed 's/^city-0,\([a-z]*\),[^,]*,/city-0,\1,改过的名字,/' >> "$dir/one.csv"
lat=$(python3 -c "import csv,sys; r=next(csv.DictReader(open('$dir/one.csv'))); print(r['lat'], r['lng'], r['kind'])")
set -- $lat

# What a phone keeps instead: the tiles around one place it searched from
# (where that facility is).
area="lat=$1&lng=$2"
t0=$(now_ms)
urls=$(curl -s "http://$addr/api/v1/facilities/tiles?$area" \
  | python3 -c "import json,sys; print(' '.join(t['url'] for t in json.load(sys.stdin)['tiles']))")
listed=$(( $(now_ms) - t0 ))
raw=0; br=0; count=0
for u in $urls; do
  raw=$(( raw + $(curl -s "http://$addr$u" | wc -c) ))
  br=$(( br + $(curl -s -H 'accept-encoding: br' "http://$addr$u" | wc -c) ))
  count=$(( count + 1 ))
done
curl -s "http://$addr/api/v1/facilities/tiles?$area" > "$dir/before.json"
echo "a phone's area ($area): $count tiles, $(( raw / 1024 )) KB raw, $(( br / 1024 )) KB brotli (first listing, tiles made: $listed ms)"

# The edit.
t0=$(now_ms)
"$bin" import "$dir/one.csv" >/dev/null
imported=$(now_ms)
until curl -s "http://$addr/api/v1/facilities/nearby?lat=$1&lng=$2&kind=$3&limit=1" | grep -q 改过的名字; do sleep 0.01; done
echo "one-facility edit: import $(( imported - t0 )) ms, then visible to residents after $(( $(now_ms) - imported )) ms"
echo "memory after the edit (VmRSS): $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' /proc/$pid/status)"

# A phone's refresh after the edit: which of its tiles changed.
curl -s "http://$addr/api/v1/facilities/tiles?$area" > "$dir/after.json"
changed=$(python3 -c "
import json, sys
etags = lambda f: {t['url']: t['etag'] for t in json.load(open(f))['tiles']}
a, b = etags(sys.argv[1]), etags(sys.argv[2])
print(sum(1 for u in a if a[u] != b.get(u)))" "$dir/before.json" "$dir/after.json")
echo "refresh of that area after the edit: $changed of $count tiles to download again"
