#!/usr/bin/env bash
# Measures how well ParaSearch reads the documents researchers have, as docs/extraction.md
# reports it:
#   - the 60 real UN PDFs of ../shared/corpus/un/pdf_en against their gold (the shared scorer,
#     ../shared/eval/pdf_accuracy.py), with a per-document report in WORKDIR/pdf_en.tsv;
#   - the Chinese UN-layout PDF of ../shared/corpus/un/pdf_zh against its exact gold;
#   - the Chinese laws of ../shared/perf/laws_zh.tar.zst (Markdown, no front matter): article
#     heads that come out as paragraphs numbered 第N条 starting with the article's text;
#   - the time to index the 60 PDFs (extraction on every core), as `parasearch index` runs.
#
#   scripts/extraction.sh [WORKDIR]          (default WORKDIR: /tmp/parasearch-extraction)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=${SHARED:-$root/../shared}
work=${1:-/tmp/parasearch-extraction}
mkdir -p "$work"

swift build -c release --product parasearch >&2
bin=$root/.build/release/parasearch

(cd "$shared/corpus/un/pdf_en" && python3 "$shared/eval/pdf_accuracy.py" "$bin" gold.json . --report "$work/pdf_en.tsv")
zh=$shared/corpus/un/pdf_zh
python3 scripts/pdf_zh_accuracy.py "$bin" "$zh/unicri-report-un-layout.zh.gold.json" "$zh/unicri-report-un-layout.zh.pdf"
command -v zstd >/dev/null || { echo "scripts/extraction.sh needs zstd (Debian: apt-get install zstd)" >&2; exit 1; }
if [ ! -d "$work/laws_zh" ]; then
  zstd -dc "$shared/perf/laws_zh.tar.zst" | tar -x -C "$work"
fi
python3 scripts/laws_accuracy.py "$bin" "$work/laws_zh"
rm -rf "$work/index"
"$bin" index "$shared/corpus/un/pdf_en" --index "$work/index" 2>/dev/null
