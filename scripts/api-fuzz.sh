#!/usr/bin/env bash
# Property-based testing of the HTTP API with schemathesis (PyPI, an
# independent tool) over /api/v1/openapi.json, against a real server:
# no 5xx, every answer as documented, every documented-valid request
# accepted (scripts/schemathesis.toml says which checks run where).
#   scripts/api-fuzz.sh BINARY [DATABASE_URL] [EXAMPLES]
# BINARY is target/debug/server or target/release/server; without a
# DATABASE_URL a new SQLite file. A PostgreSQL URL must name an empty
# database. Needs tools/venv and tools/open311-node (scripts/setup.sh
# --test). Before fuzzing, two Open311 clients from package registries
# read the server and file into it: scripts/open311_client.{py,js}.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:?server binary}"
dir="$(mktemp -d)"
url="${2:-sqlite://$dir/fuzz.db}"
examples="${3:-40}"
st=tools/venv/bin/st
[ -x "$st" ] || { echo "schemathesis is missing: scripts/setup.sh --test" >&2; exit 1; }
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
DATABASE_URL="$url" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_OUTPUT_NAME=linli LEPTOS_SITE_ROOT=public \
  LINLI_PHOTO_DIR="$dir/photos" LINLI_WRITE_BURST=100000000 LINLI_WRITE_PERIOD_MS=1 RUST_LOG=error \
  "$bin" serve >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "$base/healthz" >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
LINLI_FUZZ_RECEIPT="$(curl -sf -H 'content-type: application/json' \
  -d '{"category":"seating","title":"接口测试的长椅","lat":30.6291,"lng":104.0591}' \
  "$base/api/v1/suggestions" | sed -E 's/.*"receipt_code":"([^"]+)".*/\1/')"
LINLI_FUZZ_FACILITY="$(curl -sf "$base/api/v1/facilities/nearby?lat=30.6291&lng=104.0591&limit=1" \
  | sed -E 's/.*"results":\[\{"id":([0-9]+).*/\1/')"
[[ "$LINLI_FUZZ_RECEIPT" =~ ^[A-Z]{2}-[A-Z0-9]{4}$ ]] || { echo "no receipt code: $LINLI_FUZZ_RECEIPT" >&2; exit 1; }
[[ "$LINLI_FUZZ_FACILITY" =~ ^[0-9]+$ ]] || { echo "no facility id: $LINLI_FUZZ_FACILITY" >&2; exit 1; }
export LINLI_FUZZ_RECEIPT LINLI_FUZZ_FACILITY
# An independent Open311 client (georeport, PyPI) reads both suggestions
# back, in JSON and XML, before the fuzzing files more.
phone=13987654321
lighting="$(curl -sf -H 'content-type: application/json' \
  -d "{\"category\":\"lighting\",\"title\":\"接口测试的路灯\",\"lat\":30.6301,\"lng\":104.0601,\"contact_phone\":\"$phone\"}" \
  "$base/api/v1/suggestions" | sed -E 's/.*"receipt_code":"([^"]+)".*/\1/')"
tools/venv/bin/python scripts/open311_client.py "$base" "$LINLI_FUZZ_RECEIPT" "$lighting" "$phone"
# Another (open311, npm) files one with an API key and reads it back.
key="$(DATABASE_URL="$url" RUST_LOG=error "$bin" api-key create --name open311-node-client 2>/dev/null)"
node scripts/open311_client.js "$base" "$key"
echo "api-fuzz: $url, receipt $LINLI_FUZZ_RECEIPT, facility $LINLI_FUZZ_FACILITY, $examples examples per operation"
status=0
"$st" --config-file scripts/schemathesis.toml run "$base/api/v1/openapi.json" \
  --max-examples "$examples" --seed "${LINLI_FUZZ_SEED:-$RANDOM}" --workers 1 --no-color \
  --request-timeout 20 || status=$?
# The server must still be up, and have logged no panic.
curl -sf "$base/healthz" >/dev/null || { echo "the server died" >&2; status=1; }
if grep -q "panicked" "$dir/server.log"; then grep -m3 -A3 "panicked" "$dir/server.log" >&2; status=1; fi
exit $status
