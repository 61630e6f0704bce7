#!/usr/bin/env bash
# Installs the two release tarballs from dist/ into a fresh `npm init -y` project outside the
# source tree, offline (no registry, no build), and runs the examples there: agent_loop.mjs
# (the README's, ESM), agent_loop.cjs (CommonJS), and `tsc --strict --noEmit` on
# agent_loop.ts. A second project with the main package alone (a platform with no prebuilt
# addon) must fail with a message naming what is missing. Run by ./test.sh with no cargo or
# rustc on the PATH (this script checks that). Usage: ayo-node/install_test.sh DIST VERSION
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dist="$(cd "$1" && pwd)" version="$2"
command -v cargo >/dev/null || command -v rustc >/dev/null \
  && { echo "ayo-node/install_test.sh: run it with no cargo or rustc on the PATH" >&2; exit 1; }
main="$dist/ayo-tickets-$version.tgz"
platform="$dist/ayo-tickets-linux-x64-gnu-$version.tgz"
npm_quiet=(--no-audit --no-fund --loglevel=error)
if tar -tzf "$main" | grep '\.node$'; then
  echo "ayo-node/install_test.sh: ${main##*/} holds an addon" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/app" "$work/bare"
cd "$work/app"
npm init -y >/dev/null
echo "== npm install --offline ${main##*/} ${platform##*/}"
npm install --offline "${npm_quiet[@]}" "$main" "$platform"
node -e '
  const [v] = process.argv.slice(1);
  for (const p of ["ayo-tickets", "ayo-tickets-linux-x64-gnu"]) {
    const got = require(`${p}/package.json`).version;
    if (got !== v) throw new Error(`${p} is ${got}, not ${v}`);
  }
  const main = require("ayo-tickets/package.json");
  if (main.optionalDependencies["ayo-tickets-linux-x64-gnu"] !== v) throw new Error("no optional dependency on the addon");
  console.log(`ayo-tickets ${v} and ayo-tickets-linux-x64-gnu ${v}`);
' "$version"
cp "$here/examples/agent_loop.mjs" "$here/examples/agent_loop.cjs" "$here/examples/agent_loop.ts" .

for example in agent_loop.mjs agent_loop.cjs; do
  echo "== node $example"
  AYO_HOME="$work/home" AYO_SESSION_ID="$example" node "$example" | tee out.txt
  grep -qx "@worker closed 3 tickets" out.txt
  grep -q "now ready: .* Validate extracted data" out.txt
done

echo "== tsc --strict --noEmit agent_loop.ts"
# The TypeScript and Node types ayo-node itself is checked with (its devDependencies).
ts=$(node -p 'require(process.argv[1]).devDependencies.typescript' "$here/package.json")
types=$(node -p 'require(process.argv[1]).devDependencies["@types/node"]' "$here/package.json")
npm install "${npm_quiet[@]}" "typescript@$ts" "@types/node@$types"
npx tsc --strict --noEmit --target es2022 --module nodenext --moduleResolution nodenext \
  --types node agent_loop.ts

echo "== the main package alone: no prebuilt addon for this platform"
cd "$work/bare"
npm init -y >/dev/null
npm install --offline "${npm_quiet[@]}" "$main"
if node -e 'require("ayo-tickets")' 2>err.txt; then
  echo "ayo-node/install_test.sh: loaded with no addon installed" >&2
  exit 1
fi
head -3 err.txt
grep -q "ayo-tickets-linux-x64-gnu" err.txt
