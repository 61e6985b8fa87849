#!/usr/bin/env bash
# Installs what building and testing Linli needs, skipping what is present.
# Idempotent: safe to run before every `run` or `test`.
#   scripts/setup.sh          toolchain for building and running the app
#   scripts/setup.sh --test   plus Debian's Chromium and PostgreSQL, the
#                             end2end npm packages and schemathesis
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
# Must equal the `wasm-bindgen` crate version pinned in Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130
SCHEMATHESIS_VERSION=4.32.5
GEOREPORT_VERSION=0.3.1

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

have cargo || { echo "Rust is needed first (rustup: https://rustup.rs)" >&2; exit 1; }

# Debian packages: npm always (binaryen, Playwright); Chromium for the tests.
need_apt=()
have npm || need_apt+=(nodejs npm)
if [ "${1:-}" = "--test" ]; then
  have chromium || need_apt+=(chromium)
  # The tests start a throwaway PostgreSQL server (scripts/postgres.sh).
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
  # …and nginx in front of two app servers (deploy/nginx.conf).
  [ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
  # …which speaks TLS with a throwaway CA made by openssl.
  have openssl || need_apt+=(openssl)
  # The API fuzzing (scripts/api-fuzz.sh): schemathesis from PyPI in a
  # virtualenv of its own, and curl.
  python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3 python3-venv)
  have curl || need_apt+=(curl)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
  # 0.3.11's lock file needs a newer rustc; no_downloads makes a missing
  # tool fail loudly instead of fetching from GitHub.
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 11 minutes, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt for release builds comes from npm's binaryen (Debian's is too old:
# hydration crashes with its output). scripts/run.sh and test.sh put
# tools/node_modules/.bin on PATH.
if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
  log "installing binaryen (wasm-opt) from npm"
  (cd tools && npm ci --no-audit --no-fund)
fi

if [ "${1:-}" = "--test" ] && [ ! -d end2end/node_modules/@playwright/test ]; then
  # Playwright's own browser download is never used: the tests run Debian's
  # Chromium (end2end/playwright.config.ts).
  log "installing end2end npm packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
if [ "${1:-}" = "--test" ] && [ ! -d tools/open311-node/node_modules/open311 ]; then
  # An Open311 client from npm that files requests (scripts/open311_client.js).
  log "installing the open311 npm client (tools/open311-node)"
  (cd tools/open311-node && npm ci --no-audit --no-fund)
fi
if [ "${1:-}" = "--test" ] && { ! tools/venv/bin/st --version 2>/dev/null | grep -q " $SCHEMATHESIS_VERSION\$" ||
    ! tools/venv/bin/pip show georeport 2>/dev/null | grep -q "^Version: $GEOREPORT_VERSION\$"; }; then
  # schemathesis fuzzes the API; georeport is an Open311 client written
  # for other cities (scripts/open311_client.py).
  log "installing schemathesis $SCHEMATHESIS_VERSION and georeport $GEOREPORT_VERSION from PyPI (tools/venv)"
  python3 -m venv tools/venv
  tools/venv/bin/pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" \
    "georeport==$GEOREPORT_VERSION"
fi
log "ready"
