# Sourced by the bench-*.sh scripts: `bench_needs TOOL...` checks that the
# release build and the tools are there and sets $bin, the server to run.
bench_needs() {
  bin=target/release/server
  [ -x "$bin" ] || { echo "build first: cargo leptos build --release --precompress --split" >&2; exit 1; }
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }; done
}
