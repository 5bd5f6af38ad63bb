#!/usr/bin/env python3
"""Moves named top-level types out of a C# file into <TypeName>.cs beside it (or into a target folder), with the
same usings and file-scoped namespace. Used once for issue #23 ("shared types in files named after them").
  python3 scripts/split-types.py <file> <Type>[=<target dir>[:<namespace>]] ...
Leading /// comments and [attributes] travel with the type. Unused usings are left to `dotnet format`."""
import os, re, sys

def lex_end(text, start):
    """Index just past the declaration starting at `start`: its matching '}' or its ';' (records without a body)."""
    i, depth, seen_brace = start, 0, False
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.index("\n", i)
            continue
        if text.startswith('"""', i):
            raise SystemExit("raw string literal in a declaration to move: move it by hand")
        if c == '"' or (c in "$@" and i + 1 < n and text[i + 1] == '"'):
            j = i + (1 if c == '"' else 2)
            while text[j] != '"' or text[j - 1] == "\\":
                j += 1
            i = j + 1
            continue
        if c == "'":
            j = i + 1
            while text[j] != "'" or text[j - 1] == "\\":
                j += 1
            i = j + 1
            continue
        if c == "{":
            depth += 1
            seen_brace = True
        elif c == "}":
            depth -= 1
            if depth == 0 and seen_brace:
                return i + 1
        elif c == ";" and depth == 0 and not seen_brace:
            return i + 1
        i += 1
    raise SystemExit("unterminated declaration")

def main():
    path = sys.argv[1]
    text = open(path, encoding="utf-8").read()
    ns = re.search(r"^namespace ([\w.]+);\s*$", text, re.M)
    header = text[: ns.start()]
    usings = "".join(l + "\n" for l in header.split("\n") if l.startswith("using "))
    for spec in sys.argv[2:]:
        name, _, target = spec.partition("=")
        folder, _, namespace = target.partition(":")
        folder = folder or os.path.dirname(path)
        namespace = namespace or ns.group(1)
        m = re.search(r"^(?:public|internal)\s+(?:(?:static|sealed|abstract|readonly|partial|record)\s+)*(?:class|record|struct|interface|enum)\s+" + name + r"\b", text, re.M)
        if not m:
            raise SystemExit(f"{name} not found in {path}")
        start = m.start()
        # leading trivia: /// comments and [attributes] right above
        lines_before = text[:start].split("\n")[:-1]
        k = len(lines_before)
        while k > 0 and (lines_before[k - 1].startswith("///") or lines_before[k - 1].startswith("[")):
            k -= 1
        trivia_start = len("\n".join(lines_before[:k])) + (1 if k > 0 else 0)
        end = lex_end(text, start)
        declaration = text[trivia_start:end]
        text = text[:trivia_start].rstrip("\n") + "\n" + text[end:].lstrip("\n")
        if not text.endswith("\n"):
            text += "\n"
        extra = "" if namespace == ns.group(1) else f"using {ns.group(1)};\n"
        target_path = os.path.join(folder, name + ".cs")
        if os.path.exists(target_path):
            raise SystemExit(f"{target_path} exists")
        os.makedirs(folder, exist_ok=True)
        with open(target_path, "w", encoding="utf-8") as out:
            out.write((usings + extra).strip("\n") + ("\n\n" if usings or extra else "") + f"namespace {namespace};\n\n" + declaration.strip("\n") + "\n")
        print(f"{name} -> {target_path}")
    # collapse runs of blank lines left behind
    text = re.sub(r"\n{3,}", "\n\n", text)
    open(path, "w", encoding="utf-8").write(text)

main()
