#!/usr/bin/env python3
"""Counts the public symbols an embedder sees through `import ParaSearch`, and how many have a
doc comment, from the symbol graphs `swift package dump-symbol-graph` writes.

  scripts/public-api.py [--list] [SYMBOLGRAPH_DIR]

Counts the ParaSearch module and every module it re-exports (`@_exported import`), whole or
declaration by declaration. Synthesized and inherited members (Equatable's `!=`, Codable's
`init(from:)`) are left out: no one writes their comments."""
import json, os, re, sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
listing = "--list" in sys.argv
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
graphs = args[0] if args else os.path.join(root, ".build", "x86_64-unknown-linux-gnu", "symbolgraph")

exported_modules, exported_decls = {"ParaSearch"}, set()
for name in os.listdir(os.path.join(root, "Sources", "ParaSearch")):
    if not name.endswith(".swift"):
        continue
    for line in open(os.path.join(root, "Sources", "ParaSearch", name), encoding="utf-8"):
        m = re.match(r"\s*@_exported\s+import\s+(?:(?:struct|class|enum|protocol|typealias|func|var|let)\s+)?([\w.]+)", line)
        if m:
            parts = m.group(1).split(".")
            if len(parts) == 1:
                exported_modules.add(parts[0])
            else:
                exported_decls.add((parts[0], parts[1]))

total = documented = 0
undocumented = []
for module in sorted({m for m in exported_modules} | {m for m, _ in exported_decls}):
    path = os.path.join(graphs, module + ".symbols.json")
    if not os.path.exists(path):
        continue
    graph = json.load(open(path))
    for s in graph["symbols"]:
        if s["accessLevel"] != "public" or s.get("isSynthesized"):
            continue
        names = s["pathComponents"]
        if module not in exported_modules and (module, names[0]) not in exported_decls:
            continue
        # Members that come from a protocol's default implementation, and a RawRepresentable
        # enum's hashing.
        if "sourceOrigin" in s or names[-1] in ("hashValue", "hash(into:)"):
            continue
        total += 1
        if s.get("docComment", {}).get("lines"):
            documented += 1
        else:
            undocumented.append(module + "." + ".".join(names))
print(f"{total} public symbols, {documented} documented ({100 * documented / max(1, total):.0f} %)")
if listing:
    for u in undocumented:
        print("  undocumented:", u)
