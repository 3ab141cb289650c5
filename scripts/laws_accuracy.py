#!/usr/bin/env python3
"""Scores `parasearch extract --json` on Chinese laws in Markdown (the perf corpus' laws_zh):
an article head is a block that starts `第N条` (`第N条之一`); it is right when the extracted
paragraph numbered with that label (first with it, document order) starts with the article's
text. Also counted: the longest paragraph, and paragraphs over 4,000 characters.

  laws_accuracy.py PARASEARCH LAWS_DIR [--limit N]

Prints one summary line last."""
import json, os, re, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

HEAD = re.compile(r"^(第[零〇一二三四五六七八九十百千万两\d]+条(?:之[零〇一二三四五六七八九十]+)?)[\s\u3000]+(\S.*)$")

def squash(s):
    return re.sub(r"\s+", "", s)

def heads(path):
    text = open(path, encoding="utf-8").read()
    if text.startswith("---"):
        end = text.find("\n---", 3)
        text = text[end + 4:] if end > 0 else text
    out, previous_blank = [], True
    for line in text.split("\n"):
        t = line.strip()
        if previous_blank:
            m = HEAD.match(t)
            if m: out.append((m.group(1), m.group(2)))
        previous_blank = t == "" or t.startswith("#")
    return out

def one(ps, path):
    want = heads(path)
    if not want: return 0, 0, 0, 0, ""
    p = subprocess.run([ps, "extract", path, "--json"], capture_output=True, text=True, timeout=300)
    if p.returncode != 0: return len(want), 0, 0, 0, p.stderr.strip()[:200]
    doc = json.loads(p.stdout)
    paras = {}
    for q in doc["paragraphs"]:
        if q.get("number") and q["number"] not in paras: paras[q["number"]] = q["text"]
    right = sum(squash(paras.get(label, "")).startswith(squash(rest)[:30]) for label, rest in want)
    longest = max((len(q["text"]) for q in doc["paragraphs"]), default=0)
    over = sum(len(q["text"]) > 4000 for q in doc["paragraphs"])
    return len(want), right, longest, over, ""

def main():
    ps, root = sys.argv[1:3]
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else None
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".md") and f != "_index.md")
    if limit: files = files[:limit]
    with ThreadPoolExecutor(2) as ex: results = list(ex.map(lambda f: one(ps, f), files))
    total = sum(r[0] for r in results); right = sum(r[1] for r in results)
    longest = max(r[2] for r in results); over = sum(r[3] for r in results)
    fails = [(f, r[4]) for f, r in zip(files, results) if r[4]]
    for f, e in fails[:5]: print(f"failed: {f}: {e}")
    worst = sorted(((r[0] - r[1], f) for f, r in zip(files, results) if r[0] > r[1]), reverse=True)[:5]
    for missed, f in worst: print(f"{missed} article heads missed in {f}")
    print(f"Chinese laws: {right}/{total} article heads right ({right / max(total, 1):.1%}) in {len(files)} files; "
          f"longest paragraph {longest} characters, {over} over 4,000; {len(fails)} extract failures")

if __name__ == "__main__":
    main()
