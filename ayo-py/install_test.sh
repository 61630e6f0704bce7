#!/usr/bin/env bash
# Installs the release wheel from dist/ into a fresh venv, outside the source tree, and runs
# the README's Python example (examples/agent_loop.py) with it and `mypy --strict` on it.
# Run by ./test.sh with no cargo or rustc on the PATH (this script checks that), so the wheel
# is proven to need no Rust. Usage: ayo-py/install_test.sh DIST VERSION
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dist="$(cd "$1" && pwd)" version="$2"
command -v cargo >/dev/null || command -v rustc >/dev/null \
  && { echo "ayo-py/install_test.sh: run it with no cargo or rustc on the PATH" >&2; exit 1; }
wheel="$dist/ayo_tickets-$version-cp39-abi3-manylinux_2_28_x86_64.whl"
[ -f "$wheel" ] || { echo "ayo-py/install_test.sh: no $wheel" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
python3 -m venv venv
echo "== pip install ${wheel##*/} (and mypy) into a fresh venv"
venv/bin/pip install -q --disable-pip-version-check "$wheel" "mypy>=1.10"
cp "$here/examples/agent_loop.py" .

echo "== the installed package and its version"
venv/bin/python - "$version" "$work" <<'PY'
import sys
import ayo_tickets
assert ayo_tickets.__file__.startswith(sys.argv[2]), ayo_tickets.__file__
assert ayo_tickets.__version__ == sys.argv[1], (ayo_tickets.__version__, sys.argv[1])
print(f"ayo_tickets {ayo_tickets.__version__} from {ayo_tickets.__file__}")
PY

echo "== python agent_loop.py (the README's example)"
AYO_HOME="$work/home" AYO_SESSION_ID=install venv/bin/python agent_loop.py | tee out.txt
grep -qx "@worker closed 3 tickets" out.txt
grep -q "is ready now: Validate extracted data" out.txt

echo "== mypy --strict agent_loop.py (the wheel's stubs type it)"
venv/bin/python -m mypy --strict --no-incremental agent_loop.py
