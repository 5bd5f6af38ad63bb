#!/usr/bin/env python3
"""Fails when a secret shows up in the logs of a test run (docs/observability.md#no-secrets-in-logs).

Usage: scan-logs.py [LOG_DIR]   scan every *.log under LOG_DIR (default artifacts/test-results/logs)
       scan-logs.py --self-test  plant one example of each secret and check that each is caught

Exit 0 when clean, 1 when a secret is found (each finding is printed with its file, line and rule, the value
masked), 2 when there is nothing to scan. The passwords the tests use are read from the test sources, so a
new test password is covered without editing this file.
"""
import glob
import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A value that looks like a credential: long enough, from the alphabets tokens use, and not a GUID (ids are no secret).
VALUE = r"(?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)[A-Za-z0-9._~+/=-]{16,}"
NAMES = (r"session_?token|state_?token|recovery_?token|refresh_?token|access_?token|id_?token|api_?key|"
         r"client_?secret|code_?verifier|authorization_?code|master_?key|password|secret|token|code")

RULES = [
    ("JWT", re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.")),
    ("API key", re.compile(r"(?<![A-Za-z0-9_])lk_[A-Za-z0-9_-]{20,}")),
    ("named secret", re.compile(r"(?i)[\"']?\b(?:" + NAMES + r")\b[\"']?\s*(?:=|:|\s)\s*[\"']?(" + VALUE + ")")),
    ("authorization code", re.compile(r"(?i)[?&]code=(" + VALUE + ")")),
    ("bearer", re.compile(r"(?i)\bbearer\s+(" + VALUE + ")")),
    ("authorization header", re.compile(r"(?i)\bauthorization\b[\"']?\s*[:=]\s*[\"']?(?!bearer\b)(" + VALUE + ")")),
]

# Template text that names a secret without holding one (event messages, type names).
ALLOWED = [
    re.compile(r"(?i)password (?:hash|hashing|policy|reset|change|rules|check)"),
]


def test_passwords():
    """Passwords the tests send, from their sources: constants named *Password and JSON "password" values."""
    found = set()
    patterns = [
        re.compile(r"\b\w*Password\w*\s*=\s*\"([^\"\\]{8,})\""),
        re.compile(r"\\?\"(?:password|newPassword)\\?\"\s*:\s*\\?\"([^\"\\]{8,})\\?\""),
    ]
    for path in glob.glob(os.path.join(ROOT, "tests", "**", "*.cs"), recursive=True):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for pattern in patterns:
            found.update(m.group(1) for m in pattern.finditer(text))
    return sorted(p for p in found if len(p.strip()) >= 8 and "{" not in p)


def mask(value):
    return value[:4] + "…" if len(value) > 4 else "…"


def scan_line(line, passwords):
    findings = []
    for name, rule in RULES:
        for m in rule.finditer(line):
            value = m.group(m.lastindex or 0)
            if any(a.search(line[max(0, m.start() - 1):m.end()]) for a in ALLOWED):
                continue
            findings.append((name, value))
    for password in passwords:
        if password in line:
            findings.append(("test password", password))
    return findings


def scan(files, passwords):
    findings = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                for rule, value in scan_line(line, passwords):
                    findings.append((path, number, rule, value))
    return findings


PLANTED = [
    "Information Latchkey.Test[1] issued eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
    "Information Latchkey.Test[1] caller lk_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0",
    "Debug Latchkey.Test[1] redeem sessionToken=Qk9iWmVxU2V0VGhpc0lzQVNlY3JldFRva2Vu",
    "Debug Latchkey.Test[1] body {\"refresh_token\":\"c2VjcmV0LXJlZnJlc2gtdG9rZW4tdmFsdWU\"}",
    "Debug Latchkey.Test[1] /oauth2/token code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    "Debug Latchkey.Test[1] /callback?state=abc&code=SplxlOBeZQQYbYS6WxSbIA-long-enough",
    "Debug Latchkey.Test[1] header Authorization: Bearer bXktYWNjZXNzLXRva2VuLWlzLWhlcmU",
    "Debug Latchkey.Test[1] header Authorization: c29tZS1vcGFxdWUtdmlzaXRvci10b2tlbg",
    "Debug Latchkey.Test[1] | Password=hunter2hunter2hunter2",
    "Debug Latchkey.Test[1] issued token Qk9iWmVxU2V0VGhpc0lzQVNlY3JldFRva2Vu to the member",
]
CLEAN = [
    "Information Latchkey.Server.Hosting.Bootstrapper[1001] Using the existing site and clients (bootstrap values in /tmp/x/bootstrap.json).",
    "Warning Latchkey.Server.Email.EmailDispatcher[4002] Sending email 0193c0de-0000-7000-8000-000000000001 failed (attempt 1 of 12); it will be retried.",
    "Information Latchkey.Test[1] Password hashing took 95 ms; queue depth 0",
    "Warning Microsoft.AspNetCore.Hosting[0] Request finished HTTP/1.1 GET /health/ready - 200",
    "Warning OpenIddict.Server[6228] 4 tokens associated with the authorization '48eeb69f-847a-40c5-8669-ec3e6d738ca8' were revoked.",
    "Debug Latchkey.Test[1] token 0193c0de-0000-7000-8000-000000000001 revoked; code 0193c0de-0000-7000-8000-000000000002 used",
    "Warning OpenIddict.Server[6091] The token request was rejected because the authorization code was issued to a different client application.",
]


def self_test():
    passwords = test_passwords() + ["correct horse battery"]
    failures = []
    for line in PLANTED:
        if not scan_line(line, passwords):
            failures.append("missed: " + line)
    if not scan_line("Debug Latchkey.Test[1] login with correct horse battery", passwords):
        failures.append("missed a test password")
    for line in CLEAN:
        if scan_line(line, passwords):
            failures.append("false alarm: " + line + " " + repr(scan_line(line, passwords)))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "planted.log")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(CLEAN + PLANTED[:1]) + "\n")
        if len(scan([path], passwords)) != 1:
            failures.append("a planted file was not reported exactly once")
    for failure in failures:
        print("scan-logs self-test: " + failure, file=sys.stderr)
    print(f"scan-logs self-test: {len(PLANTED) + len(CLEAN) + 2 - len(failures)} of {len(PLANTED) + len(CLEAN) + 2} checks passed")
    return 1 if failures else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    directory = argv[1] if len(argv) > 1 else os.path.join(ROOT, "artifacts", "test-results", "logs")
    files = sorted(glob.glob(os.path.join(directory, "**", "*.log"), recursive=True))
    if not files:
        print(f"scan-logs: no logs under {directory}: did the tests write any?", file=sys.stderr)
        return 2
    passwords = test_passwords()
    findings = scan(files, passwords)
    for path, number, rule, value in findings[:50]:
        print(f"scan-logs: {os.path.relpath(path, ROOT)}:{number}: {rule} ({mask(value)})", file=sys.stderr)
    lines = sum(1 for path in files for _ in open(path, encoding="utf-8", errors="replace"))
    print(f"scan-logs: {len(files)} files, {lines} lines, {len(passwords)} test passwords, {len(findings)} secrets found")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
