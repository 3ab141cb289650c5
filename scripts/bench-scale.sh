#!/usr/bin/env bash
# ParaSearch at one and at five times the performance corpus, as a user runs it.
#
#   scripts/bench-scale.sh [WORKDIR]       (default WORKDIR: /tmp/parasearch-bench)
#
# Needs WORKDIR/corpus.jsonl and WORKDIR/queries.tsv (scripts/bench.sh makes them). The 5×
# corpus is a folder of five files, the corpus and four copies with their ids changed (`#2` …
# `#5` appended), so every paragraph is five paragraphs of the index. For each size:
# `parasearch index` (its own
# merge policy, MEMORY_BUDGET MB, default 256; wall time and peak RSS of the whole process),
# its size, and `parasearch-bench query` with the default ranking and with BM25 only (one
# thread, then two threads sharing the snapshot). Prints one table with how each grows.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=${1:-/tmp/parasearch-bench}
budget=${MEMORY_BUDGET:-256}
[ -f "$work/corpus.jsonl" ] && [ -f "$work/queries.tsv" ] || { echo "run scripts/bench.sh $work first" >&2; exit 1; }

swift build -c release --product parasearch-bench >&2
swift build -c release --product parasearch >&2
bench=$root/.build/release/parasearch-bench
cli=$root/.build/release/parasearch

if [ ! -f "$work/corpus-5x/copy5.jsonl" ]; then
  mkdir -p "$work/corpus-5x"
  python3 - "$work/corpus.jsonl" "$work/corpus-5x" <<'PY'
import json, sys
source, folder = sys.argv[1], sys.argv[2]
for copy in range(1, 6):
    with open(source, encoding="utf-8") as f, open(f"{folder}/copy{copy}.jsonl", "w", encoding="utf-8") as out:
        for line in f:
            if copy == 1:
                out.write(line)
                continue
            record = json.loads(line)
            record["id"] = f"{record['id']}#{copy}"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
PY
fi

for size in 1 5; do
  corpus=$work/corpus.jsonl
  [ "$size" = 5 ] && corpus=$work/corpus-5x
  index=$work/scale-${size}x
  rm -rf "$index"
  /usr/bin/time -f '{"wall_s": %e, "peak_rss_kb": %M}' -o "$work/scale-${size}x-time.json" \
    "$cli" index "$corpus" --index "$index" --memory-budget "$budget" > /dev/null
  "$cli" stats --json --index "$index" > "$work/scale-${size}x-stats.json"
  "$bench" query "$index" "$work/queries.tsv" > "$work/scale-${size}x-default.json"
  "$bench" query "$index" "$work/queries.tsv" --plain > "$work/scale-${size}x-bm25.json"
  rm -rf "$index"
done

python3 - "$work" "$budget" <<'PY'
import json, sys, pathlib
work, budget = pathlib.Path(sys.argv[1]), int(sys.argv[2])
mib = 1024 * 1024
rows = {}
for size in (1, 5):
    t = json.loads((work / f"scale-{size}x-time.json").read_text())
    s = json.loads((work / f"scale-{size}x-stats.json").read_text())
    d = json.loads((work / f"scale-{size}x-default.json").read_text())
    p = json.loads((work / f"scale-{size}x-bm25.json").read_text())
    b = s["bytes"]
    rows[size] = {
        "paragraphs": s["paragraphs"],
        "segments": s["segments"],
        "index wall s": t["wall_s"],
        "µs per paragraph indexed": t["wall_s"] * 1e6 / s["paragraphs"],
        f"peak RSS MiB (budget {budget})": t["peak_rss_kb"] / 1024,
        "index MiB without stored text": (b["total"] - b["stored"]) / mib,
        "index MiB with stored text": b["total"] / mib,
        "open ms": d["open_s"] * 1000,
        "p50 ms, default": d["p50_ms"], "p99 ms, default": d["p99_ms"],
        "p50 ms, BM25": p["p50_ms"], "p99 ms, BM25": p["p99_ms"],
        "QPS 1 thread, default": d["qps"], f"QPS {d['threads']} threads, default": d["qps_threads"],
        "QPS 1 thread, BM25": p["qps"], f"QPS {p['threads']} threads, BM25": p["qps_threads"],
    }
print("| measure | 1× | 5× | 5× ÷ 1× |")
print("|---|---|---|---|")
for key in rows[1]:
    a, c = rows[1][key], rows[5].get(key)
    if c is None:
        continue
    ratio = f"{c / a:.2f}" if a else "–"
    print(f"| {key} | {a:,.3f} | {c:,.3f} | {ratio} |")
PY
