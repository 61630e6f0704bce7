#!/usr/bin/env bash
# Times the `ayo` CLI at 10k and 100k tickets on a tk directory ayo never wrote (no `.ayo/`: its
# index lives in $AYO_CACHE_DIR) against the floor of any tool that must notice a hand-edited
# file (a stat of every file), against tk's own `ready`, and the first call, with no index,
# against reading every file. Prints a markdown table: what, tickets, median, ratio.
#
#   benches/cli.sh                     # 10k and 100k tickets, 15 rounds
#   AYO_BENCH_SIZES="10000" AYO_BENCH_RUNS=30 benches/cli.sh
#   TK=/path/to/ticket benches/cli.sh  # also tk's `ready` (at sizes up to $AYO_BENCH_TK_MAX,
#                                      # default 10000); tk is wedow/ticket's `ticket` script:
#                                      # git clone https://github.com/wedow/ticket
#   AYO_BENCH_PYTHON=.venv/bin/python benches/cli.sh   # also 10k creates in one Python batch
#   AYO_BENCH_FIFO=1 benches/cli.sh    # every timed command under `chrt -f 50` (root): on a
#                                      # shared machine, no other process preempts the one timed
#
# Builds the release CLI and the bench tools (benches/src/bin) into $CARGO_TARGET_DIR (default
# target/), and the datasets (the bench project graph: chains with cross edges, a third
# closed, written in tk's format by `bench-dataset --tk`) into $AYO_BENCH_DIR (default
# $TMPDIR/ayo-bench; 100k tickets take some 450 MB), reused by later runs; the index cache goes
# to $AYO_BENCH_DIR/cache. The commands run interleaved, round after round, so a busy machine
# slows them alike. Also prints the memory store's footprint at 100k tickets.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
sizes=${AYO_BENCH_SIZES:-"10000 100000"}
runs=${AYO_BENCH_RUNS:-15}
work=${AYO_BENCH_DIR:-${TMPDIR:-/tmp}/ayo-bench}
tk_max=${AYO_BENCH_TK_MAX:-10000}
export AYO_CACHE_DIR=$work/cache

echo "building the release CLI and the bench tools ..." >&2
cargo build --release --quiet -p ayo-cli --bin ayo
cargo build --release --quiet -p ayo-benches --bins
bin=$CARGO_TARGET_DIR/release
ayo=$bin/ayo

mkdir -p "$work"
for n in $sizes; do
    dir=$work/tk-$n/.tickets
    have=0
    if [ -d "$dir" ]; then
        have=$(find "$dir" -maxdepth 1 -name '*.md' | wc -l)
    fi
    if [ "$have" -ne "$n" ] || [ -e "$dir/.ayo" ]; then
        rm -rf "$dir"
        echo "making $n tk tickets in $dir ..." >&2
        "$bin/bench-dataset" --tk "$dir" "$n"
    fi
done

echo
echo "| what | tickets | median | ratio |"
echo "|---|---|---|---|"
for n in $sizes; do
    dir=$work/tk-$n/.tickets
    tk=
    if [ "$n" -le "$tk_max" ]; then tk=${TK:-}; fi
    fifo=()
    if [ -n "${AYO_BENCH_FIFO:-}" ]; then fifo=(chrt -f 50); fi
    TK=$tk "${fifo[@]}" "$bin/bench-cli" "$ayo" "$dir" "$n" "$runs"
    if [ -e "$dir/.ayo" ]; then
        echo "error: the reads wrote $dir/.ayo" >&2
        exit 1
    fi
done
if [ -z "${TK:-}" ]; then
    echo
    echo "tk not timed: set TK to wedow/ticket's \`ticket\` script."
fi
echo
echo "Memory store, 100k tickets of the same graph:"
"$bin/bench-memory" 100000

# The Python binding, when a Python with ayo_tickets installed (in release) is given.
if [ -n "${AYO_BENCH_PYTHON:-}" ]; then
    echo
    echo "| what | tickets | median | ratio to the floor |"
    echo "|---|---|---|---|"
    "$AYO_BENCH_PYTHON" "$root/benches/python_batch.py" 10000 5
fi
