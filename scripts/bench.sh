#!/usr/bin/env bash
# ParaSearch next to the peer engines on the real performance corpus, in one run.
#
#   scripts/bench.sh [WORKDIR]       (default WORKDIR: /tmp/parasearch-bench)
#
# Builds the corpus from ../shared/perf (all ~0.9 M paragraphs; MAX_PARAGRAPHS=200000 for the
# sample) and its 1000 queries, runs the peers (PEERS, default lucene9-cjk,tantivy-bigram,
# pisa-bigram; SKIP_PEERS=1 reuses WORKDIR's earlier peer run), then parasearch-bench index and
# query (MEMORY_BUDGET MB, default 256), and prints one table with ParaSearch ÷ peer ratios.
# Run it on an idle machine: the numbers of a 2-core machine are disturbed by anything else.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=${SHARED:-$root/../shared}
work=${1:-/tmp/parasearch-bench}
mkdir -p "$work"

swift build -c release --product parasearch-bench >&2
bench=$root/.build/release/parasearch-bench

corpus=$work/corpus.jsonl
if [ ! -f "$corpus" ]; then
  if [ -n "${MAX_PARAGRAPHS:-}" ]; then size=(--max-paragraphs "$MAX_PARAGRAPHS"); else size=(--all); fi
  python3 "$shared/perf/make_corpus.py" "$corpus" "${size[@]}" --cache "$work/cache" >&2
  python3 "$shared/perf/make_queries.py" "$corpus" "$work/queries.tsv" >&2
fi

if [ "${SKIP_PEERS:-0}" != 1 ]; then
  if [ ! -x "$work/peers/.venv/bin/python" ]; then
    rm -rf "$work/peers"; cp -r "$shared/peers" "$work/peers"; "$work/peers/install.sh" >&2
  fi
  PEERS=${PEERS:-lucene9-cjk,tantivy-bigram,pisa-bigram} KEEP_INDEX=0 \
    "$work/peers/run_all.sh" "$corpus" "$work/queries.tsv" "$work/peers-out" >&2
fi

# One segment at the end, as the Lucene peer ends with forceMerge(1).
"$bench" index "$corpus" "$work/index" --memory-budget "${MEMORY_BUDGET:-256}" --merge > "$work/parasearch-index.json"
"$bench" query "$work/index" "$work/queries.tsv" --plain > "$work/parasearch-query-bm25.json"
"$bench" query "$work/index" "$work/queries.tsv" --no-translate > "$work/parasearch-query-proximity.json"
"$bench" query "$work/index" "$work/queries.tsv" > "$work/parasearch-query-full.json"

python3 - "$work" <<'PY'
import json, sys, pathlib
work = pathlib.Path(sys.argv[1])
idx = json.loads((work / "parasearch-index.json").read_text())
plain = json.loads((work / "parasearch-query-bm25.json").read_text())
proximity = json.loads((work / "parasearch-query-proximity.json").read_text())
full = json.loads((work / "parasearch-query-full.json").read_text())
peers = json.loads((work / "peers-out" / "summary.json").read_text())["peers"]
peers = peers.values() if isinstance(peers, dict) else peers
mb = 1024 * 1024
print(f"ParaSearch: indexed {idx['paragraphs']:,} paragraphs ({idx['input_mb']:.0f} MB) in {idx['wall_s']:.1f} s "
      f"({idx['mb_per_s']:.1f} MB/s), peak RSS {idx['peak_rss_mb']:.0f} MB with a {idx['memory_budget_mb']} MB budget, "
      f"{idx['segments']} segments; size {idx['bytes']['total'] / mb:.1f} MB = postings {idx['bytes']['postings'] / mb:.1f} "
      f"+ positions {idx['bytes']['positions'] / mb:.1f} + dictionary {idx['bytes']['dictionary'] / mb:.1f} "
      f"+ stored {idx['bytes']['stored'] / mb:.1f} + other {idx['bytes']['other'] / mb:.1f}")
print(f"open {plain['open_s'] * 1000:.0f} ms, open + first query {plain['open_and_first_query_s'] * 1000:.0f} ms; "
      f"QPS with {plain['threads']} threads {plain['qps_threads']:.0f} (1 thread {plain['qps']:.0f})")
print()
rows = [("index wall s", idx["wall_s"], lambda p: p["index"]["wall_s"]),
        ("index peak RSS MiB", idx["peak_rss_mb"], lambda p: p["index"]["peak_rss_mib"]),
        ("index MiB (ParaSearch without stored text)", idx["bytes"]["without_stored"] / mb, lambda p: p["index_bytes"] / mb),
        ("p50 ms (BM25)", plain["p50_ms"], lambda p: p["search_stats"]["p50_ms"]),
        ("p90 ms (BM25)", plain["p90_ms"], lambda p: p["search_stats"]["p90_ms"]),
        ("p99 ms (BM25)", plain["p99_ms"], lambda p: p["search_stats"]["p99_ms"]),
        ("QPS (BM25)", plain["qps"], lambda p: p["search_stats"]["qps"]),
        ("p50 ms (with proximity rerank)", proximity["p50_ms"], lambda p: p["search_stats"]["p50_ms"]),
        ("p99 ms (with proximity rerank)", proximity["p99_ms"], lambda p: p["search_stats"]["p99_ms"]),
        ("p50 ms (the default: proximity rerank and the translated query)", full["p50_ms"], lambda p: p["search_stats"]["p50_ms"]),
        ("p99 ms (the default: proximity rerank and the translated query)", full["p99_ms"], lambda p: p["search_stats"]["p99_ms"])]
ok = [p for p in peers if p.get("search_stats")]
print("| measure | ParaSearch | " + " | ".join(f"{p['peer']} | ratio" for p in ok) + " |")
print("|---|---|" + "---|---|" * len(ok))
for name, ours, get in rows:
    cells = []
    for p in ok:
        try:
            theirs = get(p)
            cells += [f"{theirs:,.3f}", f"{ours / theirs:.2f}"]
        except (KeyError, TypeError, ZeroDivisionError):
            cells += ["–", "–"]
    print(f"| {name} | {ours:,.3f} | " + " | ".join(cells) + " |")
PY
