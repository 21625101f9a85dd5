#!/usr/bin/env bash
# Builds the cross-check oracle (test/crosscheck/oracle: a small main around rsigma-eval from crates.io) into
# test/.tmp/crosscheck/target, where crosscheck.test.ts looks for it. Needs network only the first time, to fetch the
# crates pinned by oracle/Cargo.lock; later runs are a no-op check of a few hundred milliseconds.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if ! command -v cargo >/dev/null 2>&1; then
  echo "crosscheck setup: cargo is not installed (the oracle is a Rust program)" >&2
  exit 3
fi
export CARGO_TARGET_DIR="$root/test/.tmp/crosscheck/target"
cargo build --release --locked --quiet --manifest-path "$root/test/crosscheck/oracle/Cargo.toml"
echo "crosscheck setup: oracle ready at ${CARGO_TARGET_DIR}/release/tamperwatch-crosscheck-oracle"
