#!/usr/bin/env python3
"""Lines per endpoint handler (issue #23's measure): every method a Map* call names, and every lambda passed to one,
in src/Latchkey.Server/Endpoints/*.cs (with --pages, HostedPages/*.cs too). Prints one line per handler, then count,
median and maximum.
  python3 scripts/handler-lines.py [--over N] [--pages]"""
import glob, re, statistics, sys

over = int(sys.argv[sys.argv.index("--over") + 1]) if "--over" in sys.argv else None
handlers = []
folders = ["Endpoints", "HostedPages"] if "--pages" in sys.argv else ["Endpoints"]
for path in sorted(p for folder in folders for p in glob.glob(f"src/Latchkey.Server/{folder}/*.cs")):
    lines = open(path, encoding="utf-8").read().split("\n")
    text = "\n".join(lines)
    # every method of the file named inside a Map* call's parentheses is a handler
    defined = set(re.findall(r"(?:private|public|internal) static (?:async )?[\w<>\[\]., ?]+ (\w+)\(", text))
    named = set()
    for call in re.finditer(r"\.Map(?:Get|Post|Put|Patch|Delete|Methods)\(", text):
        depth, k = 1, call.end()
        while k < len(text) and depth > 0:
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            k += 1
        named |= set(re.findall(r"\b(\w+)\b", text[call.end():k])) & defined
    for i, line in enumerate(lines):
        m = re.match(r"\s*(?:private|public|internal) static (?:async )?[\w<>\[\]., ?]+ (\w+)\(", line)
        if m and m.group(1) in named:
            depth, start, j = 0, i, i
            # expression-bodied: to the first line ending with ';' at depth 0
            while j < len(lines):
                depth += lines[j].count("{") - lines[j].count("}")
                if (depth == 0 and "{" in "".join(lines[start:j + 1])) or (depth == 0 and lines[j].rstrip().endswith(";") and "{" not in "".join(lines[start:j + 1])):
                    break
                j += 1
            handlers.append((j - start + 1, f"{path.split('/')[-1]}:{m.group(1)}"))
    # lambdas passed to a Map* call: from the line with "=>" to the line closing the call
    for i, line in enumerate(lines):
        if re.search(r"\.Map(?:Get|Post|Put|Patch|Delete|Methods)\(.*=>\s*$", line) or re.search(r"\.Map(?:Get|Post|Put|Patch|Delete|Methods)\(.*=>\s*\S", line):
            depth, j = 0, i
            while j < len(lines):
                depth += lines[j].count("(") - lines[j].count(")")
                if depth <= 0:
                    break
                j += 1
            handlers.append((j - i + 1, f"{path.split('/')[-1]}:line {i + 1}"))
counts = [n for n, _ in handlers]
for n, name in sorted(handlers, reverse=True):
    if over is None or n > over:
        print(f"{n:4d}  {name}")
print(f"handlers {len(counts)}, median {statistics.median(counts)}, max {max(counts)}, over 15: {sum(c > 15 for c in counts)}, over 25: {sum(c > 25 for c in counts)}")
