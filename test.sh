#!/usr/bin/env bash
# Runs every test of ayo-tickets on a fresh machine: formatting and lints, the Rust suites (core,
# CLI, PostgreSQL store), `ayo mcp` against real MCP clients, then the Python and Node packages,
# built once into one target dir.
# Usage: ./test.sh            (CI=true makes an unreachable PostgreSQL server a failure)
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "clippy -D warnings (every crate, every target)"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "Rust tests: core (with the PostgreSQL store) and CLI"
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run -p ayo-tickets -p ayo-cli --all-features --no-fail-fast
else
  cargo test -p ayo-tickets -p ayo-cli --all-features --no-fail-fast
fi
step "ayo mcp against the Python and TypeScript MCP SDKs"
bash ayo-cli/tests/mcp/test.sh

step "Rust doc tests"
cargo test -p ayo-tickets --all-features --doc

step "Python package"
bash ayo-py/test.sh

step "Node package"
bash ayo-node/test.sh

step "all suites passed"
