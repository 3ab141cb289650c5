#!/usr/bin/env python3
"""Writes the bilingual sample of Corpus/sdg from the Open SDG data of the Sustainable
Development Goals (official English and Chinese wording, MIT licence; a copy of the licence
goes beside the files):

  - A/RES/70/1, the goals and targets: each goal a heading, each target a paragraph numbered
    by its id (`16.4`, `16.a`);
  - A/RES/71/313, the global indicator framework: goals and targets as headings, each
    indicator a paragraph numbered by its id (`16.4.1`).

One Markdown file per document and language, with front matter naming the symbol the two
language versions share.

  make-sdg-corpus.py [SOURCE_DIR] [OUT_DIR]
  (defaults: ../shared/corpus/un/sdg_targets_zh_en, Corpus/sdg)"""
import os, re, shutil, sys
import yaml

here = os.path.dirname(os.path.abspath(__file__))
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "shared", "corpus", "un", "sdg_targets_zh_en")
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "Corpus", "sdg")
os.makedirs(out, exist_ok=True)

def load(lang, kind):
    with open(os.path.join(src, lang, f"global_{kind}.yml"), encoding="utf-8") as f:
        data = yaml.safe_load(f)
    # `16-4-title` -> `16.4`; `1-short` is the goal's short name, not used.
    return {k[: -len("-title")].replace("-", "."): " ".join(str(v).split())
            for k, v in data.items() if k.endswith("-title")}

def key(ident):
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in ident.split(".")]

DOCS = {
    "en": {
        "goal": "Goal {}. {}",
        "targets": ("A/RES/70/1", "2015-09-25",
                    "Transforming our world: the 2030 Agenda for Sustainable Development — Sustainable Development Goals and targets"),
        "indicators": ("A/RES/71/313", "2017-07-06",
                       "Global indicator framework for the Sustainable Development Goals and targets of the 2030 Agenda for Sustainable Development"),
    },
    "zh": {
        "goal": "目标{}. {}",
        "targets": ("A/RES/70/1", "2015-09-25", "变革我们的世界：2030年可持续发展议程 — 可持续发展目标和具体目标"),
        "indicators": ("A/RES/71/313", "2017-07-06", "可持续发展目标和2030年可持续发展议程具体目标全球指标框架"),
    },
}

def front(symbol, date, title, lang):
    return f"---\nsymbol: {symbol}\nlanguage: {lang}\ndate: {date}\ntitle: \"{title}\"\n---\n\n"

for lang, folder in (("en", "en"), ("zh", "zh-Hans")):
    goals, targets, indicators = load(folder, "goals"), load(folder, "targets"), load(folder, "indicators")
    spec = DOCS[lang]
    # Goals and targets.
    text = front(*spec["targets"], lang)
    for g in sorted(goals, key=key):
        text += "# " + spec["goal"].format(g, goals[g]) + "\n\n"
        for t in sorted((t for t in targets if t.split(".")[0] == g), key=key):
            text += f"{t} {targets[t]}\n\n"
    with open(os.path.join(out, f"sdg-targets.{lang}.md"), "w", encoding="utf-8") as f:
        f.write(text)
    # Indicator framework.
    text = front(*spec["indicators"], lang)
    for g in sorted(goals, key=key):
        text += "# " + spec["goal"].format(g, goals[g]) + "\n\n"
        for t in sorted((t for t in targets if t.split(".")[0] == g), key=key):
            text += f"## {t} {targets[t]}\n\n"
            for i in sorted((i for i in indicators if i.rsplit(".", 1)[0] == t), key=key):
                text += f"{i} {indicators[i]}\n\n"
    with open(os.path.join(out, f"sdg-indicators.{lang}.md"), "w", encoding="utf-8") as f:
        f.write(text)

shutil.copyfile(os.path.join(src, "LICENSE"), os.path.join(out, "LICENSE"))
print(f"wrote {out}")
