#!/usr/bin/env python3
"""Lines per endpoint handler (issue #23's measure): every method a Map* call names, and every lambda passed to one,
in src/Latchkey.Server/{Endpoints,HostedPages}/*.cs. Prints one line per handler, then count, median and maximum.
  python3 scripts/handler-lines.py [--over N]"""
import glob, re, statistics, sys

over = int(sys.argv[sys.argv.index("--over") + 1]) if "--over" in sys.argv else None
handlers = []
for path in sorted(glob.glob("src/Latchkey.Server/Endpoints/*.cs")):
    lines = open(path, encoding="utf-8").read().split("\n")
    text = "\n".join(lines)
    named = set(re.findall(r"\.Map(?:Get|Post|Put|Patch|Delete|Methods)\([^;]*?,\s*(\w+Async)\b", text, re.S))
    named |= set(re.findall(r"(?:MapPost|MapGet|MapMethods)\((?:Wix\w+\.)?\w+,\s*\"[^\"]*\",\s*(?:\[[^\]]*\],\s*)?(\w+)", text))
    for i, line in enumerate(lines):
        m = re.match(r"\s*(?:private|public|internal) static (?:async )?[\w<>\[\], ?]+ (\w+)\(", line)
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
