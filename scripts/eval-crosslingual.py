#!/usr/bin/env python3
"""Cross-language retrieval on the bilingual SDG sample (Corpus/sdg), as docs/quality.md
reports it: each indicator of the global indicator framework (A/RES/71/313) is a query, and
the target it measures (A/RES/70/1) is the one relevant answer (indicator 16.4.1 → target
16.4). The same queries run over:

  - targets in the query's language only (English→English, Chinese→Chinese);
  - targets in the other language only, with no version to align with (Chinese→English,
    English→Chinese): found only through the dictionary translation of the query, with
    translation on and off;
  - both versions of the targets, keeping the other language (`lang:`): found through the
    aligned version, and through translation.

Scores nDCG@10 and MRR@10 with ../shared/eval/evaluate.py through `parasearch batch`, the
ranking a user gets.

With --distractors CORPUS.jsonl (the perf corpus of ../shared/perf, as scripts/bench.sh makes
it), the translated rows run again with that corpus's paragraphs of the answers' language
added to the index: the target must then rank among hundreds of thousands of other UN
paragraphs, where a translated word's commonness shows as it does in a real collection.

  eval-crosslingual.py PARASEARCH [WORKDIR] [--distractors CORPUS.jsonl] [-- extra batch arguments]"""
import json, os, re, shutil, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
shared = os.environ.get("SHARED", os.path.join(root, "..", "shared"))
args = sys.argv[1:]
extra = []
if "--" in args:
    extra = args[args.index("--") + 1:]
    args = args[:args.index("--")]
distractors = None
if "--distractors" in args:
    i = args.index("--distractors")
    if i + 1 >= len(args):
        sys.exit("--distractors needs a JSON Lines corpus (see scripts/bench.sh)")
    distractors = args[i + 1]
    del args[i:i + 2]
binary = args[0]
work = args[1] if len(args) > 1 else "/tmp/parasearch-crosslingual"
sdg = os.path.join(root, "Corpus", "sdg")
os.makedirs(work, exist_ok=True)

def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout

def index(name, files, extra_lang=None):
    corpus, ix = os.path.join(work, "corpus-" + name), os.path.join(work, "index-" + name)
    shutil.rmtree(corpus, ignore_errors=True); shutil.rmtree(ix, ignore_errors=True)
    os.makedirs(corpus)
    for f in files:
        shutil.copy(os.path.join(sdg, f), corpus)
    if extra_lang:
        # The distractors of one language, as JSON Lines records.
        with open(distractors) as src, open(os.path.join(corpus, "distractors.jsonl"), "w") as dst:
            for line in src:
                if json.loads(line).get("lang") == extra_lang:
                    dst.write(line)
    run([binary, "index", corpus, "--index", ix])
    return ix

def paragraphs(path):
    return json.loads(run([binary, "extract", path, "--json"]))["paragraphs"]

# Queries: the indicators; relevant: the paragraph of their target.
queries = {}
for lang in ("en", "zh"):
    for p in paragraphs(os.path.join(sdg, f"sdg-indicators.{lang}.md")):
        queries.setdefault(lang, []).append((p["number"], p["text"]))
ordinal = {p["number"]: p["ordinal"] for p in paragraphs(os.path.join(sdg, "sdg-targets.en.md"))}
assert ordinal == {p["number"]: p["ordinal"] for p in paragraphs(os.path.join(sdg, "sdg-targets.zh.md"))}

def qrels(langs):
    path = os.path.join(work, f"qrels-{langs}.txt")
    with open(path, "w") as f:
        for number, _ in queries["en"]:
            target = number.rsplit(".", 1)[0]
            for lang in langs.split("+"):
                f.write(f"{number} 0 sdg-targets.{lang}#{ordinal[target]} 1\n")
    return path

def evaluate(ix, qlang, dlang, suffix="", flags=()):
    qfile = os.path.join(work, f"queries-{qlang}{suffix.replace(':', '-')}.tsv")
    with open(qfile, "w") as f:
        for number, text in queries[qlang]:
            f.write(f"{number}\t{text} {suffix}\n")
    runfile = os.path.join(work, "run.trec")
    with open(runfile, "w") as f:
        f.write(run([binary, "batch", qfile, "--index", ix, "--limit", "100", *flags, *extra]))
    out = run([sys.executable, os.path.join(shared, "eval", "evaluate.py"), qrels(dlang), runfile])
    scores = dict(re.findall(r"^(\S+):\s+([0-9.]+)", out, re.M))
    return float(scores["nDCG@10"]), float(scores["MRR@10"])

en, zh = index("en", ["sdg-targets.en.md"]), index("zh", ["sdg-targets.zh.md"])
both = index("both", ["sdg-targets.en.md", "sdg-targets.zh.md"])
rows = [
    ("English → English", "targets en", evaluate(en, "en", "en")),
    ("Chinese → Chinese", "targets zh", evaluate(zh, "zh", "zh")),
    ("Chinese → English, translation off", "targets en", evaluate(en, "zh", "en", flags=["--no-translate"])),
    ("Chinese → English, translation on", "targets en", evaluate(en, "zh", "en")),
    ("English → Chinese, translation off", "targets zh", evaluate(zh, "en", "zh", flags=["--no-translate"])),
    ("English → Chinese, translation on", "targets zh", evaluate(zh, "en", "zh")),
    ("Chinese → English through the versions, translation off", "targets en + zh, lang:en", evaluate(both, "zh", "en", " lang:en", ["--no-translate"])),
    ("Chinese → English through the versions and translation", "targets en + zh, lang:en", evaluate(both, "zh", "en", " lang:en")),
    ("English → Chinese through the versions and translation", "targets en + zh, lang:zh", evaluate(both, "en", "zh", " lang:zh")),
    ("Chinese → both versions relevant, translation off", "targets en + zh", evaluate(both, "zh", "en+zh", flags=["--no-translate"])),
    ("Chinese → both versions relevant, translation on", "targets en + zh", evaluate(both, "zh", "en+zh")),
    ("English → both versions relevant, translation off", "targets en + zh", evaluate(both, "en", "en+zh", flags=["--no-translate"])),
    ("English → both versions relevant, translation on", "targets en + zh", evaluate(both, "en", "en+zh")),
]
if distractors:
    en_big = index("en-distractors", ["sdg-targets.en.md"], "en")
    zh_big = index("zh-distractors", ["sdg-targets.zh.md"], "zh")
    rows += [
        ("English → English, with distractors", "targets en + perf en", evaluate(en_big, "en", "en")),
        ("Chinese → English, translation on, with distractors", "targets en + perf en", evaluate(en_big, "zh", "en")),
        ("Chinese → Chinese, with distractors", "targets zh + perf zh", evaluate(zh_big, "zh", "zh")),
        ("English → Chinese, translation on, with distractors", "targets zh + perf zh", evaluate(zh_big, "en", "zh")),
    ]
# (Each row against English → English on the same kind of index: the rows with distractors
# against the first of them.)
base = rows[0][2][0]
print("| queries (252 indicators) → answers | index | nDCG@10 | MRR@10 | of English→English |")
print("|---|---|---|---|---|")
for name, ix, (ndcg, mrr) in rows:
    if name == "English → English, with distractors":
        base = ndcg
    print(f"| {name} | {ix} | {ndcg:.3f} | {mrr:.3f} | {100 * ndcg / base:.0f} % |")
