#!/usr/bin/env bash
# Runs the release binary from dist/, copied outside the source tree, through the README's CLI
# transcript (tests/readme_examples.py compares every line) and checks its version. Run by
# ./test.sh with no cargo or rustc on the PATH (this script checks that).
# Usage: ayo-cli/install_test.sh DIST VERSION
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dist="$(cd "$1" && pwd)" version="$2"
command -v cargo >/dev/null || command -v rustc >/dev/null \
  && { echo "ayo-cli/install_test.sh: run it with no cargo or rustc on the PATH" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
install -m 755 "$dist/ayo-$version-x86_64-linux-gnu" "$work/bin/ayo"
cd "$work"
export PATH="$work/bin:$PATH"

echo "== ayo --version"
[ "$(ayo --version)" = "ayo $version" ] || { echo "ayo --version says $(ayo --version), not ayo $version" >&2; exit 1; }
ayo --version

echo "== the README's CLI transcript, with the release binary"
python3 "$here/tests/readme_examples.py" --ayo "$work/bin/ayo"
