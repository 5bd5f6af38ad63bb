#!/usr/bin/python3
"""Inclusive share of each frame in a `perf record -g` profile (bench/profile/profile.sh): each frame counts once per
sample it appears in, so a method's share includes everything it called.
    python3 bench/profile/inclusive.py <perf.data> [substring] [top]
With a substring, only samples containing a matching frame are kept (their share is printed first). profile.sh
records the whole machine and leaves the server's pid in <perf.data>.pid: only that process's samples are read."""
import collections, os, re, subprocess, sys

data = sys.argv[1]
keep = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
top = int(sys.argv[3]) if len(sys.argv) > 3 else 80
pid_file = data + ".pid"
only = ["--pid", open(pid_file).read().strip()] if os.path.exists(pid_file) else []
out = subprocess.run(["perf", "script", "-i", data, *only, "-F", "ip,sym"], capture_output=True, text=True, check=True).stdout
samples, current = [], []
for line in out.split("\n"):
    if not line.strip():
        if current:
            samples.append(current)
            current = []
        continue
    parts = line.strip().split(" ", 1)
    frame = parts[1] if len(parts) > 1 else parts[0]
    frame = re.sub(r"\[(Optimized|Tier|PreJIT|QuickJitted|Instrumented)[A-Za-z0-9-]*\]", "", frame)
    frame = re.sub(r"\(.*\)$", "()", frame)
    current.append(frame[:180])
if current:
    samples.append(current)
total = len(samples)
if keep:
    samples = [s for s in samples if any(keep in f for f in s)]
    print(f"{len(samples)} of {total} samples contain {keep!r} ({100 * len(samples) / max(total, 1):.1f} %)")
counts = collections.Counter(f for s in samples for f in set(s))
for frame, n in counts.most_common(top):
    print(f"{100 * n / max(total, 1):6.1f} %  {frame}")
