#!/usr/bin/env bash
# Measures ranking quality on the evaluation sets in ../shared/eval (CMRC 2018 dev, Cranfield)
# for ParaSearch and for the peers in ../shared/peers, and prints one markdown table.
#
#   scripts/eval.sh [WORKDIR]          (default WORKDIR: /tmp/parasearch-eval)
#
# The peers are installed into a writable copy of ../shared/peers (apt + pip; needs root the
# first time). Set SKIP_PEERS=1 to score ParaSearch alone against an earlier peer run in
# WORKDIR. Extra arguments for `parasearch batch` (e.g. "--k1 1.2 --b 0.75") go in BATCH_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=${SHARED:-$root/../shared}
work=${1:-/tmp/parasearch-eval}
mkdir -p "$work"

swift build -c release --product parasearch >&2
bin=$root/.build/release/parasearch

if [ ! -x "$work/peers/.venv/bin/python" ]; then
  rm -rf "$work/peers"
  cp -r "$shared/peers" "$work/peers"
  [ "${SKIP_PEERS:-0}" = 1 ] || "$work/peers/install.sh" >&2
fi

sets="cranfield cmrc2018-dev"
for s in $sets; do
  in=$work/in/$s
  if [ ! -f "$in/queries.tsv" ]; then
    python3 "$work/peers/tools/beir_to_harness.py" "$shared/eval/$s" "$in" >&2
  fi
  if [ "${SKIP_PEERS:-0}" != 1 ]; then
    # Effectiveness only: one timed pass, top 100 for Recall@100.
    PEER_K=100 PEER_WARMUP_MAX_S=0 PEER_WARMUP_MIN=0 PEER_TIMED_MIN=0 PEER_TIMED_MIN_S=0 \
      "$work/peers/run_all.sh" "$in/corpus.jsonl" "$in/queries.tsv" "$work/peers-$s" >&2
  fi
  rm -rf "$work/index-$s"
  "$bin" index "$in/corpus.jsonl" --index "$work/index-$s" >&2
  # shellcheck disable=SC2086
  "$bin" batch "$in/queries.tsv" --index "$work/index-$s" --limit 100 ${BATCH_ARGS:-} > "$work/parasearch-$s.trec"
done

python3 - "$work" "$shared/eval/evaluate.py" $sets <<'PY'
import subprocess, sys, pathlib
work, evaluate, sets = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
def score(qrels, run):
    out = subprocess.run([sys.executable, evaluate, qrels, run], capture_output=True, text=True, check=True).stdout
    d = dict(line.split(": ") for line in out.splitlines() if ": " in line)
    return [float(d[k]) for k in ("nDCG@10", "MRR@10", "R@100")]
rows = {}
for s in sets:
    qrels = str(work / "in" / s / "qrels.trec")
    runs = {"parasearch": work / f"parasearch-{s}.trec"}
    for r in sorted((work / f"peers-{s}" / "runs").glob("*.trec")):
        runs[r.stem] = r
    for name, path in runs.items():
        rows.setdefault(name, {})[s] = score(qrels, str(path))
print("| system | " + " | ".join(f"{s} nDCG@10 | {s} MRR@10 | {s} R@100" for s in sets) + " |")
print("|---|" + "---|---|---|" * len(sets))
for name in ["parasearch"] + sorted(n for n in rows if n != "parasearch"):
    cells = []
    for s in sets:
        v = rows[name].get(s)
        cells += [f"{x:.4f}" for x in v] if v else ["–"] * 3
    print(f"| {name} | " + " | ".join(cells) + " |")
PY
