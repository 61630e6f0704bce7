#!/usr/bin/env bash
# Runs every test of ayo-tickets on a fresh machine: formatting and lints, the Rust suites (core,
# CLI, PostgreSQL store), `ayo mcp` against real MCP clients, `ayo board` in a real browser, then
# the Python and Node packages, built once into one target dir.
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

step "ayo board in Chromium (Debian's package, driven by Playwright from PyPI)"
bash ayo-cli/tests/board/test.sh

step "Rust doc tests"
cargo test -p ayo-tickets --all-features --doc

step "Python package"
bash ayo-py/test.sh

step "Node package"
bash ayo-node/test.sh

step "README examples: each block is its file; the CLI transcript runs as shown"
python3 ayo-cli/tests/readme_examples.py --ayo "$CARGO_TARGET_DIR/debug/ayo"

step "release artifacts (./release.sh: wheel, sdist, npm packages, binary into dist/)"
./release.sh

step "install tests: the artifacts from dist/, with no cargo or rustc on the PATH"
# The workspace's version (Cargo.toml): ayo --version, ayo_tickets.__version__ and both npm
# packages must say it.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
no_rust=""
IFS=: read -ra path_dirs <<<"$PATH"
for d in "${path_dirs[@]}"; do
  [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || no_rust="${no_rust:+$no_rust:}$d"
done
for suite in ayo-py ayo-node ayo-cli; do
  step "install test: $suite"
  env PATH="$no_rust" bash "$suite/install_test.sh" dist "$version"
done

step "all suites passed"
