#!/usr/bin/env bash
# Fuzzes the ticket file parser: the format property tests (tests/reliability_fuzz.rs and
# tests/format_props.rs) built in release, run round after round with many cases each (every
# round draws new random inputs) until the time is up. cargo-fuzz would need a nightly compiler.
#
# Usage: ayo-tickets/fuzz.sh [SECONDS] [CASES_PER_ROUND]        (defaults: 300 and 20000)
#
# A failure stops the run with the minimal failing input as proptest prints it. proptest keeps
# the failing seed of reliability_fuzz.rs in tests/reliability_fuzz.proptest-regressions, which
# every later `cargo test` replays first; add the minimal input to FOUND in
# tests/reliability_fuzz.rs as well, so it stays a test whatever the strategies become.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-300}"
cases="${2:-20000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target}"
export PROPTEST_CASES="$cases"
tests=(--test reliability_fuzz --test format_props)

cargo test --release -q -p ayo-tickets "${tests[@]}" --no-run
# Properties: every test of the two files but the fixed-input one.
listed=$(cargo test --release -q -p ayo-tickets "${tests[@]}" -- --list 2>/dev/null | grep -c ': test$')
properties=$((listed - 1))

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
start=$SECONDS
rounds=0
while (( SECONDS - start < seconds )); do
  if ! cargo test --release -q -p ayo-tickets "${tests[@]}" >"$log" 2>&1; then
    grep -E 'minimal failing input|panicked|Test failed|FAILED' -A 20 "$log" | head -80
    echo "fuzz: FAILED in round $((rounds + 1)) after $((rounds * properties * cases)) cases" >&2
    exit 1
  fi
  rounds=$((rounds + 1))
  echo "round $rounds: $((rounds * properties * cases)) cases, $((SECONDS - start)) s"
done
echo "fuzz: $rounds rounds x $properties properties x $cases cases = $((rounds * properties * cases)) cases in $((SECONDS - start)) s; no failure"
