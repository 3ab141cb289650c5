#!/usr/bin/env bash
# Single Chinese characters against words of two, on an index made by scripts/bench.sh.
#
#   scripts/bench-characters.sh [INDEX]     (default INDEX: /tmp/parasearch-bench/index)
#
# For each query: a one-shot `parasearch search` (the whole process: open, first use of every
# structure, answer; the best of three runs) and the median of `parasearch-bench query` on the
# query alone (warm: the searcher's caches hold what the query built). Prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
index=${1:-/tmp/parasearch-bench/index}
swift build -c release --product parasearch-bench >&2
swift build -c release --product parasearch >&2
bench=$root/.build/release/parasearch-bench
cli=$root/.build/release/parasearch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

queries=(
  "的"
  "核"
  "的 是 不 了 在"
  "的 是 不 了 在 人 有 我 他 这 个 们 中 来 上 大 为 和 国 地"
  "中国"
  "中国 人民 发展 经济 社会 国家 政府 法律 规定 工作"
)
echo "| query | one-shot s (best of 3) | warm p50 ms | warm p99 ms |"
echo "|---|---|---|---|"
for q in "${queries[@]}"; do
  best=""
  for _ in 1 2 3; do
    /usr/bin/time -f '%e' -o "$tmp/t" "$cli" search "$q" --index "$index" --limit 10 > /dev/null
    t=$(cat "$tmp/t")
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then best=$t; fi
  done
  printf 'q\t%s\n' "$q" > "$tmp/q.tsv"
  warm=$("$bench" query "$index" "$tmp/q.tsv" --threads 1 2>/dev/null | python3 -c \
    'import json, sys; d = json.load(sys.stdin); print("%.3f | %.3f" % (d["p50_ms"], d["p99_ms"]))')
  echo "| \`$q\` | $best | $warm |"
done
