#!/usr/bin/env bash
# The main job: ayo's documented three-agent workflow, run with the real `ayo` CLI on the
# default store (the session store under $AYO_HOME, else ~/.local/share/ayo). Each run uses a
# session of its own (AYO_SESSION_ID, default workflow-<time>) so runs do not mix.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --quiet -p ayo-cli
ayo() { "$target/debug/ayo" "$@"; }
export AYO_SESSION_ID="${AYO_SESSION_ID:-workflow-$(date +%Y%m%d-%H%M%S)}"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say "plan: three tickets, each waiting on the one before (session $AYO_SESSION_ID)"
extract=$(ayo ticket create "Extract data from invoices" -a @extractor -p 1)
validate=$(ayo ticket create "Validate extracted data" -a @validator --deps "$extract")
import=$(ayo ticket create "Import to accounting system" -a @importer --deps "$validate")
ayo ticket list
say "ayo ticket dep tree $import"
ayo ticket dep tree "$import"

for step in "extractor:$extract:Processed 47 reports, 3 flagged for review" \
            "validator:$validate:All 47 validated" \
            "importer:$import:Imported into the ledger"; do
  IFS=: read -r agent id text <<<"$step"
  say "ayo ticket ready -a @$agent"
  ayo ticket ready -a "@$agent"
  say "ayo ticket claim -a @$agent --lease 300"
  claimed=$(ayo ticket claim -a "@$agent" --lease 300)
  [ "$claimed" = "$id" ] || { echo "expected $id, claimed $claimed" >&2; exit 1; }
  echo "$claimed"
  say "ayo ticket note $id '$text'"
  AYO_AGENT="@$agent" ayo ticket note "$id" "$text" >/dev/null
  say "ayo ticket close $id   # prints what became ready"
  AYO_AGENT="@$agent" ayo ticket close "$id"
done

say "ayo ticket show $extract"
ayo ticket show "$extract"
say "ayo ticket log"
ayo ticket log
say "ayo ticket check"
ayo ticket check
echo
echo "done: the tickets are in ${AYO_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/ayo}/sessions/$AYO_SESSION_ID/.tickets/"
