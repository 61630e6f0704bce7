#!/usr/bin/env bash
# Sets up, builds and tests the npm package `ayo-tickets` (this folder), idempotently, on a fresh
# machine: npm install (with the committed lock file), a debug build of the addon (into
# $CARGO_TARGET_DIR when set, so CI compiles once), the TypeScript check of index.d.ts, then
# the node:test suites. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

for tool in node npm cargo; do
  command -v "$tool" >/dev/null || { echo "ayo-node/test.sh: $tool is required" >&2; exit 1; }
done
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "ayo-node/test.sh: Node >= 18 is required, found $(node --version)" >&2
  exit 1
fi

echo "== npm install"
npm install --no-audit --no-fund

echo "== napi build (debug, with the core's test hooks)"
npx napi build --platform --js binding.js --features test-hooks

# The generated loader and declarations are committed: in CI, a build must not change them.
if [ -n "${CI:-}" ] && git rev-parse --is-inside-work-tree >/dev/null 2>&1 \
  && git ls-files --error-unmatch index.d.ts binding.js >/dev/null 2>&1; then
  if ! git diff --exit-code -- index.d.ts binding.js; then
    echo "ayo-node/test.sh: index.d.ts or binding.js is stale: commit the files the build generated" >&2
    exit 1
  fi
fi

echo "== tsc --noEmit (index.d.ts against tests/types/usage.ts)"
npx tsc --noEmit -p tests/types

echo "== node --test"
node --test tests/*.test.mjs
