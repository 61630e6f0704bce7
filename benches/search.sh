#!/usr/bin/env bash
# Times `ayo ticket search WORD` against `grep -rli WORD` on the same directory of tk-format
# tickets, at 10k and 100k tickets, interleaved round after round so that a busy machine slows
# both alike. Prints a markdown table: what, tickets, median, ratio (ayo / grep).
#
#   benches/search.sh                  # 10k and 100k tickets, 9 rounds
#   AYO_BENCH_SIZES="10000" AYO_BENCH_RUNS=15 benches/search.sh
#
# Builds the release CLI into $CARGO_TARGET_DIR (default target/) and the datasets into
# $AYO_BENCH_DIR (default $TMPDIR/ayo-bench; reused by later runs): tickets with a title, a
# description and a note of words drawn from a small vocabulary, where 1 in 100 holds the word
# looked for in its title, 1 in 100 in its description and 1 in 100 in a note (any case).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
sizes=${AYO_BENCH_SIZES:-"10000 100000"}
runs=${AYO_BENCH_RUNS:-9}
work=${AYO_BENCH_DIR:-${TMPDIR:-/tmp}/ayo-bench}
export AYO_CACHE_DIR=$work/cache
word=zephyr

echo "building the release CLI ..." >&2
cargo build --release --quiet -p ayo-cli --bin ayo
ayo=$CARGO_TARGET_DIR/release/ayo

make_tickets() { # dir n
    python3 - "$1" "$2" <<'PY'
import os, random, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d, exist_ok=True)
rng = random.Random(7)
vocab = "extract validate import invoice ledger parser report retry cache queue index lease".split()
def words(k): return " ".join(rng.choice(vocab) for _ in range(k))
for i in range(n):
    title, body, note = words(5).capitalize(), words(60), words(20)
    if i % 100 == 1: title += " Zephyr"
    if i % 100 == 2: body += " ZEPHYR wind"
    if i % 100 == 3: note += " zephyr"
    deps = f"[s-{i-1}]" if i % 3 and i else "[]"
    status = "closed" if i % 3 == 0 else "open"
    with open(os.path.join(d, f"s-{i}.md"), "w") as f:
        f.write(f"---\nid: s-{i}\nstatus: {status}\ndeps: {deps}\nlinks: []\n"
                f"created: 2026-01-01T00:00:{i % 60:02d}Z\ntype: task\npriority: 2\n---\n"
                f"# {title}\n\n{body}\n\n## Notes\n\n**2026-01-02T00:00:00Z**\n\n{note}\n")
PY
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

echo
echo "| what | tickets | median | ratio |"
echo "|---|---|---|---|"
for n in $sizes; do
    dir=$work/search-$n/.tickets
    have=0
    if [ -d "$dir" ]; then have=$(find "$dir" -maxdepth 1 -name '*.md' | wc -l); fi
    if [ "$have" -ne "$n" ]; then
        rm -rf "$dir"
        echo "making $n tickets in $dir ..." >&2
        make_tickets "$dir" "$n"
    fi
    found=$("$ayo" --dir "$dir" ticket search "$word" | wc -l)
    grepped=$(grep -rli "$word" "$dir" | wc -l)
    if [ "$found" -ne "$grepped" ]; then
        echo "error: ayo found $found tickets, grep $grepped files" >&2
        exit 1
    fi
    a=() g=()
    for _ in $(seq "$runs"); do
        a+=("$(ms "$ayo" --dir "$dir" ticket search "$word")")
        g+=("$(ms grep -rli "$word" "$dir")")
    done
    am=$(printf '%s\n' "${a[@]}" | median)
    gm=$(printf '%s\n' "${g[@]}" | median)
    echo "| ayo ticket search ($found found) | $n | ${am} ms | $(awk -v a="$am" -v g="$gm" 'BEGIN {printf "%.2fx", a / (g ? g : 1)}') |"
    echo "| grep -rli | $n | ${gm} ms | 1.00x |"
done
