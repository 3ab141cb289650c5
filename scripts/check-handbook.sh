#!/usr/bin/env bash
# Checks HTML extraction on a real, large manual in two languages: the Debian Administrator's
# Handbook (Debian package debian-handbook), zh-CN and en-US. Indexes each language into a
# temporary index and prints documents, paragraphs and paragraphs per second.
set -euo pipefail
cd "$(dirname "$0")/.."
html=/usr/share/doc/debian-handbook/html
if [ ! -d "$html" ]; then
  apt-get install -y --no-install-recommends debian-handbook >&2
fi
swift build -c release --product parasearch >&2
for lang in zh-CN en-US; do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  summary=$(.build/release/parasearch index "$html/$lang" --index "$dir" 2>/dev/null)
  end=$(date +%s%N)
  paragraphs=$(echo "$summary" | sed -E 's/.* ([0-9]+) paragraphs.*/\1/')
  documents=$(echo "$summary" | sed -E 's/.*; ([0-9]+) documents.*/\1/')
  failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failed.*/\1/')
  python3 -c "import sys; d,p,f,s=int(sys.argv[1]),int(sys.argv[2]),int(sys.argv[3]),float(sys.argv[4]); print(f'{sys.argv[5]}: {d} pages, {p} paragraphs, {f} failed, {s:.2f} s, {p/s:,.0f} paragraphs/s (extract + index)')" \
    "$documents" "$paragraphs" "$failed" "$(( (end - start) / 1000000 ))e-3" "$lang"
  .build/release/parasearch search "$( [ $lang = zh-CN ] && echo 软件包 || echo package )" --index "$dir" --limit 1 | head -3
  rm -rf "$dir"
done
