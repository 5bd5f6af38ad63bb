#!/usr/bin/env python3
"""Folder dependencies of src/Latchkey.Server, from `using Latchkey.Server.<Folder>` lines and fully qualified names,
and the cycles among them (issue #23: folders should depend on each other in one direction).
Usage: python3 scripts/folder-deps.py [--edges] [--check: exit 1 on a cycle]"""
import os, re, sys, itertools
root = os.path.join(os.path.dirname(__file__), '..', 'src', 'Latchkey.Server')
deps = {}
for dirpath, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if d not in ('bin', 'obj')]
    rel = os.path.relpath(dirpath, root)
    folder = '(root)' if rel == '.' else rel.split(os.sep)[0]
    for f in files:
        if not f.endswith('.cs'):
            continue
        text = open(os.path.join(dirpath, f), encoding='utf-8').read()
        for m in re.finditer(r'\bLatchkey\.Server\.([A-Z][A-Za-z]+)\b', text):
            target = m.group(1)
            if target != folder and os.path.isdir(os.path.join(root, target)):
                deps.setdefault(folder, set()).add(target)
if '--edges' in sys.argv:
    for a in sorted(deps):
        print(f"{a} -> {', '.join(sorted(deps[a]))}")
nodes = sorted({*deps, *itertools.chain(*deps.values())})
# Tarjan's strongly connected components: a component of two or more folders is a cycle, however long.
index, low, stack, on, sccs = {}, {}, [], set(), []
def visit(v):
    index[v] = low[v] = len(index); stack.append(v); on.add(v)
    for w in deps.get(v, ()):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        component = []
        while True:
            w = stack.pop(); on.discard(w); component.append(w)
            if w == v: break
        if len(component) > 1: sccs.append(sorted(component))
for v in nodes:
    if v not in index: visit(v)
for c in sccs:
    print("cycle among: " + ", ".join(c))
print(f"folders {len(nodes)}, edges {sum(len(v) for v in deps.values())}, folders in cycles {sum(len(c) for c in sccs)}")
sys.exit(1 if sccs and '--check' in sys.argv else 0)
