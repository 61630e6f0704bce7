#!/usr/bin/env bash
# Tests `ayo board` in a real browser: Debian's Chromium (`apt-get install chromium`, done here
# when it is missing and apt-get can) driven by Playwright from PyPI in a venv of its own,
# pointed at the system Chromium (Playwright's own browser download is never used). Uses the
# `ayo` binary already built in the target dir ($AYO_BIN overrides; built with
# `cargo build -p ayo-cli` when missing). Screenshots go to ayo-cli/tests/board/screenshots/.
# Usage: bash ayo-cli/tests/board/test.sh   (CI=true makes an unreachable PostgreSQL a failure)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
export AYO_BIN="${AYO_BIN:-$target/debug/ayo}"
if [ ! -x "$AYO_BIN" ]; then
    (cd "$root" && cargo build -p ayo-cli)
fi

export AYO_CHROMIUM="${AYO_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$AYO_CHROMIUM" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "ayo board: installing Debian's chromium"
        apt-get install -y -q chromium >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
    else
        echo "ayo board: no Chromium at $AYO_CHROMIUM; install Debian's chromium package" >&2
        exit 1
    fi
fi

venv="${AYO_BOARD_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
    echo "ayo board: creating $venv"
    "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check "playwright==1.65.3" "pytest>=7" "pytest-timeout>=2"

echo "ayo board: in Chromium $("$AYO_CHROMIUM" --version 2>/dev/null | head -1)"
"$venv/bin/python" -m pytest "$here/browser" -p no:cacheprovider --timeout=300 -q -rs
