#!/usr/bin/env bash
# ParaSearch next to the peer engines on the real performance corpus, in one run.
#
#   scripts/bench.sh [WORKDIR]       (default WORKDIR: /tmp/parasearch-bench)
#
# Builds the corpus from ../shared/perf (all ~0.9 M paragraphs; MAX_PARAGRAPHS=200000 for the
# sample) and its 1000 queries, runs the peers (PEERS, default lucene9-cjk,tantivy-bigram,
# pisa-bigram; SKIP_PEERS=1 reuses WORKDIR's earlier peer run), then ParaSearch as a user runs
# it: `parasearch index` (its own merge policy, MEMORY_BUDGET MB, default 256; wall time and peak
# RSS of the whole process) and `parasearch batch` (one pass over the queries, the default
# ranking), and `parasearch-bench query` on the same index with the peers' warm-up protocol, for
# each pipeline. Prints one table with ParaSearch ÷ peer ratios.
# Run it on an idle machine: the numbers of a 2-core machine are disturbed by anything else.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=${SHARED:-$root/../shared}
work=${1:-/tmp/parasearch-bench}
mkdir -p "$work"

swift build -c release --product parasearch-bench >&2
swift build -c release --product parasearch >&2
bench=$root/.build/release/parasearch-bench
cli=$root/.build/release/parasearch

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

# The index as `parasearch index` leaves it (a first build ends with one segment, as the Lucene
# peer ends with forceMerge(1)), timed as a whole process.
rm -rf "$work/index"
/usr/bin/time -f '{"wall_s": %e, "peak_rss_kb": %M}' -o "$work/parasearch-index-time.json" \
  "$cli" index "$corpus" --index "$work/index" --memory-budget "${MEMORY_BUDGET:-256}" > "$work/parasearch-index.log"
"$cli" stats --json --index "$work/index" > "$work/parasearch-index.json"
# What users type: one pass of `batch` over the queries (each query once, first uses included).
"$cli" batch "$work/queries.tsv" --index "$work/index" --limit 10 > /dev/null 2> "$work/parasearch-batch.txt"
"$cli" batch "$work/queries.tsv" --index "$work/index" --limit 10 --no-translate > /dev/null 2> "$work/parasearch-batch-proximity.txt"
"$bench" query "$work/index" "$work/queries.tsv" --plain > "$work/parasearch-query-bm25.json"
"$bench" query "$work/index" "$work/queries.tsv" --no-translate > "$work/parasearch-query-proximity.json"
"$bench" query "$work/index" "$work/queries.tsv" > "$work/parasearch-query-full.json"
"$bench" query "$work/index" "$work/queries.tsv" --one-core > "$work/parasearch-query-one-core.json"

python3 - "$work" <<'PY'
import json, sys, pathlib, re
work = pathlib.Path(sys.argv[1])
timing = json.loads((work / "parasearch-index-time.json").read_text())
stats = json.loads((work / "parasearch-index.json").read_text())
plain = json.loads((work / "parasearch-query-bm25.json").read_text())
proximity = json.loads((work / "parasearch-query-proximity.json").read_text())
full = json.loads((work / "parasearch-query-full.json").read_text())
one_core = json.loads((work / "parasearch-query-one-core.json").read_text())
def batch(name):
    m = re.search(r"p50 ([0-9.]+) ms p90 ([0-9.]+) ms p99 ([0-9.]+) ms qps ([0-9.]+)", (work / name).read_text())
    return dict(zip(["p50_ms", "p90_ms", "p99_ms", "qps"], map(float, m.groups())))
batch_full, batch_proximity = batch("parasearch-batch.txt"), batch("parasearch-batch-proximity.txt")
peers = json.loads((work / "peers-out" / "summary.json").read_text())["peers"]
peers = peers.values() if isinstance(peers, dict) else peers
mb = 1024 * 1024
b = stats["bytes"]
without_stored = b["total"] - b["stored"]
corpus_mb = (work / "corpus.jsonl").stat().st_size / 1e6
print(f"ParaSearch (`parasearch index`): {stats['paragraphs']:,} paragraphs ({corpus_mb:.0f} MB) in {timing['wall_s']:.1f} s "
      f"({corpus_mb / timing['wall_s']:.1f} MB/s), peak RSS {timing['peak_rss_kb'] / 1024:.0f} MiB, {stats['segments']} segment(s); "
      f"size {b['total'] / mb:.1f} MiB = postings {b['postings'] / mb:.1f} + positions {b['positions'] / mb:.1f} "
      f"+ dictionary {b['dictionary'] / mb:.1f} + stored {b['stored'] / mb:.1f} + other {b['other'] / mb:.1f}")
print(f"open {plain['open_s'] * 1000:.0f} ms, open + first query {plain['open_and_first_query_s'] * 1000:.0f} ms; "
      f"QPS with {plain['threads']} threads: BM25 {plain['qps_threads']:.0f}, default {full['qps_threads']:.0f} "
      f"(1 thread {plain['qps']:.0f}, {full['qps']:.0f})")
print()
rows = [("index wall s (`parasearch index`, whole process)", timing["wall_s"], lambda p: p["index"]["wall_s"]),
        ("index peak RSS MiB", timing["peak_rss_kb"] / 1024, lambda p: p["index"]["peak_rss_mib"]),
        ("index MiB (ParaSearch without stored text)", without_stored / mb, lambda p: p["index_bytes"] / mb)]
for label, d in [("BM25, bench", plain), ("with proximity rerank, bench", proximity),
                 ("the default (rerank and translated query), bench", full),
                 ("the default on one core (the translation after the query), bench", one_core)]:
    rows += [(f"p50 ms ({label})", d["p50_ms"], lambda p: p["search_stats"]["p50_ms"]),
             (f"p99 ms ({label})", d["p99_ms"], lambda p: p["search_stats"]["p99_ms"])]
rows += [("QPS (the default, bench)", full["qps"], lambda p: p["search_stats"]["qps"])]
for label, d in [("with proximity rerank, `batch`", batch_proximity), ("the default, `batch`", batch_full)]:
    rows += [(f"p50 ms ({label})", d["p50_ms"], lambda p: p["search_stats"]["p50_ms"]),
             (f"p99 ms ({label})", d["p99_ms"], lambda p: p["search_stats"]["p99_ms"])]
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
print()
print("medians by language (bench): BM25 zh %.3f en %.3f; default zh %.3f en %.3f ms" %
      (plain["zh_median_ms"], plain["en_median_ms"], full["zh_median_ms"], full["en_median_ms"]))
PY
