#!/usr/bin/env bash
# Tests `ayo mcp` against MCP clients nobody here wrote: the Python SDK (`mcp` from PyPI, in a
# venv of its own) and the TypeScript SDK (`@modelcontextprotocol/sdk` from npm, pinned by the
# lock file next to it). Installs what it needs; uses the `ayo` binary already built in the
# target dir ($AYO_BIN overrides; built with `cargo build -p ayo-cli` when missing).
# Usage: bash ayo-cli/tests/mcp/test.sh   (CI=true makes an unreachable PostgreSQL a failure)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
export AYO_BIN="${AYO_BIN:-$target/debug/ayo}"
if [ ! -x "$AYO_BIN" ]; then
    (cd "$root" && cargo build -p ayo-cli)
fi

venv="${AYO_MCP_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
    echo "ayo mcp: creating $venv"
    "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check "mcp==2.3.0" "pytest>=7" "pytest-timeout>=2"

echo "ayo mcp: the Python MCP SDK (stdio, HTTP, 8 servers racing)"
"$venv/bin/python" -m pytest "$here/python" -p no:cacheprovider --timeout=300 -q -rs

echo "ayo mcp: the TypeScript MCP SDK (stdio)"
cd "$here/node"
npm ci --no-audit --no-fund --silent
node --test
