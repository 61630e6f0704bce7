#!/usr/bin/env bash
# Times `ayo ticket ready` and `ayo ticket list` on 100k active tickets alone and on the same
# 100k active tickets with 100k archived ones in `archive/`, against the floor of any tool that
# must notice a hand-edited file (a stat of every active file, `find`), interleaved round after
# round so that a busy machine slows them alike. Also `list --archived`, which reads the
# archive. Prints a markdown table: what, active, archived, median, ratio (to the same command
# without an archive).
#
#   benches/archive.sh                 # 100k + 100k, 9 rounds
#   AYO_BENCH_SIZE=10000 AYO_BENCH_RUNS=15 benches/archive.sh
#
# Builds the release CLI into $CARGO_TARGET_DIR (default target/) and the datasets into
# $AYO_BENCH_DIR (default $TMPDIR/ayo-bench; reused by later runs): tk-format tickets, a third
# closed, chains of deps; the store with an archive holds the same active files (hard links) and
# as many closed tickets in `archive/`, some of which active tickets name as deps (1 in 100, so
# that the lookup of deps on archived tickets is paid too). The index is in $AYO_BENCH_DIR/cache
# (the directories have no `.ayo/`), built by one untimed call before the rounds.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
n=${AYO_BENCH_SIZE:-100000}
runs=${AYO_BENCH_RUNS:-9}
work=${AYO_BENCH_DIR:-${TMPDIR:-/tmp}/ayo-bench}
export AYO_CACHE_DIR=$work/cache

echo "building the release CLI ..." >&2
cargo build --release --quiet -p ayo-cli --bin ayo
ayo=$CARGO_TARGET_DIR/release/ayo

make_tickets() { # dir n prefix status-rule archived-deps
    python3 - "$@" <<'PY'
import os, sys
d, n, prefix, archived = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "archived"
os.makedirs(d, exist_ok=True)
for i in range(n):
    if archived:
        status, deps = "closed", "[]"
        closed = "closed: 2026-01-01T00:00:00Z\n"
    else:
        status = "closed" if i % 3 == 0 else "open"
        deps = [f"{prefix}-{i-1}"] if i % 3 and i else []
        if i % 100 == 50:
            deps.append(f"z-{i}")  # an archived ticket in the store with an archive
        deps = "[" + ", ".join(deps) + "]"
        closed = ""
    with open(os.path.join(d, f"{prefix}-{i}.md"), "w") as f:
        f.write(f"---\nid: {prefix}-{i}\nstatus: {status}\ndeps: {deps}\nlinks: []\n"
                f"created: 2026-01-01T00:00:{i % 60:02d}Z\n{closed}type: task\npriority: 2\n---\n"
                f"# Ticket {i} of the bench\n\nSome words of description.\n")
PY
}

plain=$work/archive-$n/plain/.tickets
both=$work/archive-$n/both/.tickets
count() { find "$1" -maxdepth 1 -name '*.md' | wc -l; }
if [ ! -d "$plain" ] || [ "$(count "$plain")" -ne "$n" ] || [ ! -d "$both/archive" ] \
    || [ "$(count "$both/archive")" -ne "$n" ] || [ -e "$plain/.ayo" ] || [ -e "$both/.ayo" ]; then
    rm -rf "$work/archive-$n"
    echo "making $n active tickets and $n archived ones in $work/archive-$n ..." >&2
    make_tickets "$plain" "$n" a active
    mkdir -p "$both"
    cp -al "$plain/." "$both/"
    make_tickets "$both/archive" "$n" z archived
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

# Same answers where they must agree: the archive changes only the tickets that wait for an
# archived one (blocked by a missing dep without it, ready with it).
"$ayo" --dir "$plain" ticket ready >/dev/null
"$ayo" --dir "$both" ticket ready >/dev/null
rp=$("$ayo" --dir "$plain" ticket ready | wc -l)
rb=$("$ayo" --dir "$both" ticket ready | wc -l)
lp=$("$ayo" --dir "$plain" ticket list | wc -l)
lb=$("$ayo" --dir "$both" ticket list | wc -l)
la=$("$ayo" --dir "$both" ticket list --archived | wc -l)
if [ "$lp" -ne "$n" ] || [ "$lb" -ne "$n" ] || [ "$la" -ne "$n" ] || [ "$rb" -lt "$rp" ]; then
    echo "error: list $lp / $lb, archived $la, ready $rp / $rb" >&2
    exit 1
fi

declare -A t
names=(floor ready-plain ready-both list-plain list-both archived)
for name in "${names[@]}"; do t[$name]=""; done
for _ in $(seq "$runs"); do
    t[floor]+="$(ms find "$plain" -maxdepth 1 -name '*.md' -printf '%T@ %s\n') "
    t[ready-plain]+="$(ms "$ayo" --dir "$plain" ticket ready) "
    t[ready-both]+="$(ms "$ayo" --dir "$both" ticket ready) "
    t[list-plain]+="$(ms "$ayo" --dir "$plain" ticket list) "
    t[list-both]+="$(ms "$ayo" --dir "$both" ticket list) "
    t[archived]+="$(ms "$ayo" --dir "$both" ticket list --archived) "
done
med() { tr ' ' '\n' <<<"${t[$1]}" | grep . | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }'; }
f=$(med floor) rp=$(med ready-plain) rb=$(med ready-both) lp=$(med list-plain) lb=$(med list-both)
echo
echo "| what | active | archived | median | ratio |"
echo "|---|---|---|---|---|"
echo "| stat of every active file (\`find\`) | $n | 0 | ${f} ms | |"
echo "| \`ayo ticket ready\` | $n | 0 | ${rp} ms | $(ratio "$rp" "$f") × find |"
echo "| \`ayo ticket ready\` | $n | $n | ${rb} ms | $(ratio "$rb" "$rp") × without |"
echo "| \`ayo ticket list\` | $n | 0 | ${lp} ms | $(ratio "$lp" "$f") × find |"
echo "| \`ayo ticket list\` | $n | $n | ${lb} ms | $(ratio "$lb" "$lp") × without |"
echo "| \`ayo ticket list --archived\` | $n | $n | $(med archived) ms | |"
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
