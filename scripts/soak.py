#!/usr/bin/env python3
"""Soak (issue #10.5): measure the capacity of a mixed load, then hold 70 % of it for 30 minutes against the Release
server, sampling latency, errors and the server's memory every 30 s. Not part of CI (docs/reliability.md).

The mix, per request: 30 % login (one password hash), 5 % register (one hash), 25 % refresh (Wix SDK client),
20 % token-info, 10 % user-info, 10 % anonymous grant. Standard library only; run through scripts/soak.sh.
"""
import argparse, json, os, queue, random, sys, threading, time
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crash_consistency import Client, Down, Server, request  # noqa: E402

MIX = [("login", 30), ("register", 5), ("refresh", 25), ("token-info", 20), ("user-info", 10), ("anonymous", 10)]


class Load:
    def __init__(self, client, members, seed):
        self.client, self.members, self.rng = client, members, random.Random(seed)
        self.lock, self.n = threading.Lock(), 0
        self.samples = []  # (time, op, status, seconds)

    def one(self, rng):
        op = rng.choices([m[0] for m in MIX], [m[1] for m in MIX])[0]
        email, password, tokens = rng.choice(self.members)
        c, port = self.client, self.client.port
        started = time.time()
        try:
            if op == "login":
                status = c.login(email, password)[0]
            elif op == "register":
                with self.lock:
                    self.n += 1
                    n = self.n
                status = c.register(f"soak-{os.getpid()}-{n}@soak.example", "soak password " + str(n))
            elif op == "refresh":
                status = request(port, "POST", "/oauth2/token", {"clientId": c.boot["clientId"], "grantType": "refresh_token", "refreshToken": tokens["refresh_token"]})[0]
            elif op == "token-info":
                status = request(port, "POST", "/oauth2/token-info", {"token": tokens["access_token"]})[0]
            elif op == "user-info":
                status = request(port, "GET", "/oauth2/user-info", headers={"Authorization": "Bearer " + tokens["access_token"]})[0]
            else:
                status = request(port, "POST", "/oauth2/token", {"clientId": c.boot["clientId"], "grantType": "anonymous"})[0]
        except Down:
            status = 0
        with self.lock:
            self.samples.append((started, op, status, time.time() - started))


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def proc_counts(pid):
    """Open file descriptors and threads of the server: the handles that must not grow."""
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    threads = next((int(l.split()[1]) for l in open(f"/proc/{pid}/status") if l.startswith("Threads:")), 0)
    return fds, threads


def db_kib(data):
    """SQLite's database plus its WAL and shared-memory files (0 on PostgreSQL, whose files are not ours)."""
    return sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data) if ".db" in f) // 1024


def row_counts(data):
    """Rows per table at the end, read-only: what the database's growth is made of."""
    import sqlite3
    path = os.path.join(data, "latchkey.db")
    if not os.path.exists(path):
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE '__EF%'")]
    counts = {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}
    db.close()
    return {n: c for n, c in counts.items() if c}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dll", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--duration", type=float, default=1800)
    parser.add_argument("--probe", type=float, default=60)
    parser.add_argument("--load", type=float, default=0.7)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--postgres")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()

    data = os.path.join(args.work, "data")
    os.makedirs(data, exist_ok=True)
    env = dict(os.environ, LATCHKEY_DATA_DIR=data)
    for action in ("Login", "Register", "Recovery", "Verification", "SignOn"):
        env[f"Latchkey__Throttling__PerIpPerMinute__{action}"] = "0"
        env[f"Latchkey__Throttling__PerSitePerMinute__{action}"] = "0"
    # All load comes from one address: the default risk-mode CAPTCHA (issue #21) would challenge it after failures.
    env["Latchkey__Captcha__DefaultMode"] = "off"
    if args.postgres:
        env.update({"Latchkey__Storage__Provider": "PostgreSql", "Latchkey__Storage__ConnectionString": args.postgres})
        import subprocess
        subprocess.run(["dotnet", args.dll, "migrate"], env=env, cwd=args.work, check=True, capture_output=True)
    server = Server(args, env)
    server.start()
    boot = json.load(open(os.path.join(data, "bootstrap.json")))
    client = Client(args.port, boot, None)
    members = []
    for i in range(args.members):
        email, password = f"member-{i}@soak.example", f"soak member password {i}"
        client.register(email, password)
        members.append((email, password, client.tokens(client.login(email, password)[1])))
    load = Load(client, members, args.seed)

    # 1. Capacity: a closed loop of `workers` threads for `probe` seconds.
    stop = threading.Event()

    def closed(index):
        rng = random.Random(args.seed + index)
        while not stop.is_set():
            load.one(rng)
    threads = [threading.Thread(target=closed, args=(i,), daemon=True) for i in range(args.workers)]
    for t in threads:
        t.start()
    time.sleep(args.probe)
    stop.set()
    for t in threads:
        t.join()
    probe = [s for s in load.samples if s[2] not in (0,) and s[2] < 500]
    capacity = len(probe) / args.probe
    rate = capacity * args.load
    print(f"capacity: {capacity:.1f} requests/s over {args.probe:.0f} s ({args.workers} concurrent); soak at {rate:.1f}/s ({args.load:.0%})", flush=True)
    load.samples.clear()

    # 2. Soak: an open loop at `rate`, served by a pool, so a slow server shows as latency, not as a slower offer.
    jobs = queue.Queue()
    stop = threading.Event()

    def pool(index):
        rng = random.Random(args.seed * 7 + index)
        while not stop.is_set():
            try:
                jobs.get(timeout=0.5)
            except queue.Empty:
                continue
            load.one(rng)
    threads = [threading.Thread(target=pool, args=(i,), daemon=True) for i in range(args.workers * 4)]
    for t in threads:
        t.start()
    started = time.time()
    next_report, sent, rss_start = started + 30, 0, rss_kib(server.proc.pid)
    fds_start, threads_start = proc_counts(server.proc.pid)
    db_start = db_kib(data)
    print("   t(s)  offered  done/s  p50(ms)  p99(ms)  5xx  refused  RSS(MiB)  fds  threads  db(KiB)", flush=True)
    while time.time() - started < args.duration:
        due = int((time.time() - started) * rate)
        while sent < due:
            jobs.put(sent)
            sent += 1
        if time.time() >= next_report:
            with load.lock:
                window = [s for s in load.samples if s[0] >= next_report - 30]
            lat = [s[3] for s in window if 0 < s[2] < 500]
            print(f"{time.time() - started:7.0f}  {rate:7.1f}  {len(window) / 30:6.1f}  {percentile(lat, .5) * 1000:7.0f}  {percentile(lat, .99) * 1000:7.0f}"
                  f"  {sum(1 for s in window if s[2] >= 500):3d}  {sum(1 for s in window if s[2] == 0):7d}  {rss_kib(server.proc.pid) / 1024:8.0f}"
                  f"  {proc_counts(server.proc.pid)[0]:3d}  {proc_counts(server.proc.pid)[1]:7d}  {db_kib(data):7d}", flush=True)
            next_report += 30
        time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join(timeout=30)

    samples = load.samples
    lat = [s[3] for s in samples if 0 < s[2] < 500]
    errors = sum(1 for s in samples if s[2] >= 500)
    refused = sum(1 for s in samples if s[2] == 0)
    by_status = {}
    for s in samples:
        by_status[s[2]] = by_status.get(s[2], 0) + 1
    healthy = request(args.port, "GET", "/health/ready")[0] == 200
    rss_end = rss_kib(server.proc.pid)
    fds_end, threads_end = proc_counts(server.proc.pid)
    server.proc.terminate()
    server.proc.wait(timeout=60)
    print(f"requests: {len(samples)} in {args.duration:.0f} s ({len(samples) / args.duration:.1f}/s offered {rate:.1f}/s); by status: {dict(sorted(by_status.items()))}")
    print(f"latency ms: p50 {percentile(lat, .5) * 1000:.0f}, p95 {percentile(lat, .95) * 1000:.0f}, p99 {percentile(lat, .99) * 1000:.0f}, max {max(lat, default=0) * 1000:.0f}")
    print(f"5xx: {errors}; no answer: {refused}; RSS {rss_start / 1024:.0f} -> {rss_end / 1024:.0f} MiB; ready at the end: {healthy}")
    print(f"fds {fds_start} -> {fds_end}; threads {threads_start} -> {threads_end}; database {db_start} -> {db_kib(data)} KiB")
    print(f"rows at the end: {row_counts(data)}")
    ok = errors == 0 and refused == 0 and healthy
    print("soak: " + ("passed" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
