#!/usr/bin/env python3
"""Scores `parasearch extract --json` on a Chinese PDF against its exact gold
(`*.zh.gold.json`: every numbered paragraph's text, heading path and pages, the footnotes and the
paragraphs that cite them, the running furniture, the symbol and title).

  pdf_zh_accuracy.py PARASEARCH GOLD.json PDF [--verbose]

Prints one summary line last; exit status 0 whatever the score (the numbers are the result)."""
import json, re, subprocess, sys

def squash(s):
    return re.sub(r"\s+", "", s or "")

def main():
    ps, gold_path, pdf = sys.argv[1:4]
    verbose = "--verbose" in sys.argv
    gold = json.load(open(gold_path))
    run = subprocess.run([ps, "extract", pdf, "--json"], capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        print(f"extract failed: {run.stderr.strip()[:300]}")
        return
    doc = json.loads(run.stdout)
    numbered = {}
    for p in doc["paragraphs"]:
        if p.get("number") and p["number"] not in numbered:
            numbered[p["number"]] = p
    right = headings_right = pages_right = 0
    for n, g in gold["paragraphs"].items():
        p = numbered.get(n)
        ok = p is not None and squash(p["text"]) == squash(g["text"])
        right += ok
        if p is not None and [squash(h) for h in p["headings"]] == [squash(h) for h in g["headings"]]:
            headings_right += 1
        if p is not None and p.get("pages") == g.get("pages"):
            pages_right += 1
        if verbose and not ok:
            print(f"¶{n}\n  gold: {g['text'][:160]}\n  got:  {(p or {}).get('text', '')[:160]}")
    # Nothing that is not body text inside any paragraph.
    leaks = 0
    furniture = [squash(f) for f in gold.get("furniture", [])]
    notes = [squash(f["text"]) for f in gold.get("footnotes", [])]
    for p in doc["paragraphs"]:
        t = squash(p["text"])
        if any(f and f in t for f in furniture) or any(len(n) > 8 and n[:12] in t for n in notes):
            leaks += 1
            if verbose: print(f"leak in ({p['ordinal']}): {p['text'][:120]}")
    kept = 0
    for f in gold.get("footnotes", []):
        p = numbered.get(str(f["paragraph"]))
        if p and any(squash(x["text"]) == squash(f["text"]) and str(x["mark"]) == str(f["number"]) for x in p.get("notes", [])):
            kept += 1
        elif verbose:
            print(f"footnote {f['number']} not kept with ¶{f['paragraph']}: {(p or {}).get('notes')}")
    d = doc["document"]
    symbol_ok = d.get("symbol") == gold["symbol"]
    title_ok = squash(d.get("title")) == squash(gold["title"])
    print(f"Chinese UN-layout PDF: {right}/{gold['count']} numbered paragraphs exact; headings {headings_right}/{gold['count']}; "
          f"pages {pages_right}/{gold['count']}; footnotes kept {kept}/{len(gold.get('footnotes', []))}; "
          f"paragraphs holding furniture or footnote text {leaks}; symbol {'right' if symbol_ok else 'wrong'}; "
          f"title {'right' if title_ok else 'wrong'}")

if __name__ == "__main__":
    main()
