#!/usr/bin/env bash
# Kills the indexer (SIGKILL) at seeded random moments while it indexes and merges, and checks
# after every kill that the index opens and passes `parasearch check`; at the end, one more run
# must complete it with every file. Prints one summary line last.
#
#   scripts/kill-test.sh [KILLS] [WORKDIR]      (defaults: 60, /tmp/parasearch-kill)
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-60}
work=${2:-/tmp/parasearch-kill}
swift build -c release --product parasearch >&2
bin=$(pwd)/.build/release/parasearch
rm -rf "$work" && mkdir -p "$work/docs" && cd "$work"
for i in $(seq 0 299); do
  for p in $(seq 1 60); do echo "$p. Paragraph $p of report $i on asset recovery, 资产追回 and the rule of law."; done > "docs/r$i.txt"
done
RANDOM=20261130
done_kills=0; rounds=0; unsound=0
while [ "$done_kills" -lt "$kills" ]; do
  rounds=$((rounds + 1))
  for i in $(seq $((rounds % 5)) 5 299); do printf '1. Revised in round %d: asset recovery.\n2. Second.\n' "$rounds" > "docs/r$i.txt"; done
  extra=""; [ $((rounds % 3)) -eq 0 ] && extra="--merge"
  "$bin" index docs --index Idx --memory-budget 1 $extra >/dev/null 2>&1 &
  pid=$!
  sleep "0.$(printf "%03d" $((RANDOM % 300)))"
  # Only a run still working counts as killed (an exited one may linger unreaped).
  state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  if [ -n "$state" ] && [ "${state#Z}" = "$state" ] && kill -9 "$pid" 2>/dev/null; then done_kills=$((done_kills + 1)); fi
  wait "$pid" 2>/dev/null || true
  if [ -f Idx/manifest ] && ! "$bin" check --index Idx --sample 100 >/dev/null; then
    unsound=$((unsound + 1)); "$bin" check --index Idx || true
  fi
done
"$bin" index docs --index Idx >/dev/null 2>&1
docs=$("$bin" check --index Idx --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["documents"] if d["sound"] else -1)')
echo "kill test: $done_kills kills in $rounds runs; $unsound unsound states after a kill; final index sound with $docs of 300 documents"
[ "$unsound" -eq 0 ] && [ "$docs" -eq 300 ]
