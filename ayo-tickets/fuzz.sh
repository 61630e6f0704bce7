#!/usr/bin/env bash
# Fuzzes the ticket file parser: the format property tests (modules reliability_fuzz and
# format_props of tests/integration/) built in release, run round after round with many cases each (every
# round draws new random inputs) until the time is up. cargo-fuzz would need a nightly compiler.
#
# Usage: ayo-tickets/fuzz.sh [SECONDS] [CASES_PER_ROUND]        (defaults: 300 and 20000)
#
# A failure stops the run with the minimal failing input as proptest prints it. proptest keeps
# the failing seed of reliability_fuzz.rs in tests/integration/reliability_fuzz.proptest-regressions, which
# every later `cargo test` replays first; add the minimal input to FOUND in
# tests/integration/reliability_fuzz.rs as well, so it stays a test whatever the strategies become.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-300}"
cases="${2:-20000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target}"
export PROPTEST_CASES="$cases"
tests=(--test integration)
# libtest filters: the two modules of the one integration-test binary.
filters=(reliability_fuzz:: format_props::)

cargo test --release -q -p ayo-tickets "${tests[@]}" --no-run
# Properties: every test of the two files but the fixed-input one.
listed=$(cargo test --release -q -p ayo-tickets "${tests[@]}" -- "${filters[@]}" --list 2>/dev/null | grep -c ': test$')
properties=$((listed - 1))

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
start=$SECONDS
rounds=0
while (( SECONDS - start < seconds )); do
  if ! cargo test --release -q -p ayo-tickets "${tests[@]}" -- "${filters[@]}" >"$log" 2>&1; then
    grep -E 'minimal failing input|panicked|Test failed|FAILED' -A 20 "$log" | head -80
    echo "fuzz: FAILED in round $((rounds + 1)) after $((rounds * properties * cases)) cases" >&2
    exit 1
  fi
  rounds=$((rounds + 1))
  echo "round $rounds: $((rounds * properties * cases)) cases, $((SECONDS - start)) s"
done
echo "fuzz: $rounds rounds x $properties properties x $cases cases = $((rounds * properties * cases)) cases in $((SECONDS - start)) s; no failure"
