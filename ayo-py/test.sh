#!/usr/bin/env bash
# Builds the Python package ayo_tickets into a venv and checks it: mypy's stubtest (the stubs
# match the module), mypy on the example and the tests, then pytest. Idempotent; needs only
# python3 (with venv), cargo and PyPI. Uses $CARGO_TARGET_DIR when set, so CI compiles once.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${AYO_PY_VENV:-$here/.venv}"
python="${PYTHON:-python3}"
pip_quiet=(-q --disable-pip-version-check)

if [ ! -x "$venv/bin/python" ]; then
    echo "ayo-py: creating $venv"
    "$python" -m venv "$venv"
fi
py="$venv/bin/python"
# The maturin build backend runs the `maturin` executable it finds on PATH.
export PATH="$venv/bin:$PATH"
"$py" -m pip install "${pip_quiet[@]}" "maturin>=1.9,<2" "pytest>=7" "pytest-timeout>=2" "mypy>=1.10"

echo "ayo-py: building and installing the package (dev profile)"
MATURIN_PEP517_ARGS="--profile dev" "$py" -m pip install "${pip_quiet[@]}" \
    --no-build-isolation --force-reinstall --no-deps "$here"

# Run the checks from an empty directory, so that the installed wheel is what gets imported.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "ayo-py: stubtest"
"$py" -m mypy.stubtest ayo_tickets  # the package and every submodule (_native, _errors, _aio)

echo "ayo-py: mypy on the example and the tests"
"$py" -m mypy --no-incremental --strict "$here/examples"
"$py" -m mypy --no-incremental --check-untyped-defs "$here/tests"

echo "ayo-py: pytest"
# pytest exits 5 when it collected no test: that fails this script like any other failure.
"$py" -m pytest "$here/tests" -p no:cacheprovider --timeout=300 -q -rs "$@"
