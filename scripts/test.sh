#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need, checks formatting, builds (warnings are
# errors), runs all test projects, and ends with one line "N passed, N failed". Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() {
  echo "test.sh: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}

# Tools the tests call: curl (the smoke scenario against a real server process), python3 (counting results) and
# Node with npm (the conformance suites drive the unmodified Wix SDK and openid-client), and Debian's Chromium (the
# browser tests drive /usr/bin/chromium through Playwright; Playwright's own browser download is never used). The
# shipping checks (scripts/ship-check.sh) add Podman with runc (runs the container image), docker-registry (serves its
# base image on loopback), docker-compose (checks deploy/compose.yaml), systemd-analyze (checks the unit), kubectl
# (renders the kustomize files; the machine image's, else Debian's kubernetes-client) and PyYAML. Only what is
# missing is installed, and without recommends (README: "Test it").
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v kubectl >/dev/null || missing+=(kubernetes-client)
python3 -c 'import yaml' 2>/dev/null || /usr/bin/python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
if ((${#missing[@]})); then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") >/dev/null ||
    fail "could not install ${missing[*]}"
fi

dotnet tool restore >/dev/null || fail "dotnet tool restore failed"
dotnet restore Latchkey.slnx --nologo -v quiet || fail "restore failed"
dotnet format Latchkey.slnx --verify-no-changes --no-restore || fail "formatting differs: run 'dotnet format Latchkey.slnx'"
dotnet build Latchkey.slnx -c Release --no-restore --nologo -v quiet || fail "build failed"

# The Release build writes the OpenAPI document; the committed copy must be that document (docs/api/README.md).
generated=src/Latchkey.Server/obj/openapi/Latchkey.Server.json
cmp -s "$generated" docs/api/openapi.json || {
  diff -u docs/api/openapi.json "$generated" | head -40 >&2
  fail "docs/api/openapi.json is not what the build generates: run 'cp $generated docs/api/openapi.json'"
}

# The committed compiled EF models must be what the entity configurations generate (docs/decisions/0018-start-up-cost.md).
bash scripts/compiled-models.sh --check || fail "a compiled EF model is stale: run 'bash scripts/compiled-models.sh'"

# The benchmarks must keep compiling and running: one dry iteration each, in-process (numbers: docs/benchmarks.md).
dotnet bench/Latchkey.Benchmarks/bin/Release/net10.0/Latchkey.Benchmarks.dll --job Dry --inProcess --filter '*' \
  >"$results/benchmarks-dry.log" 2>&1 || { tail -40 "$results/benchmarks-dry.log" >&2; fail "the benchmarks did not run"; }

# A real PostgreSQL for the storage contract suite, the race tests and the two-node test (Debian's postgresql,
# installed by scripts/postgres.sh when missing). REQUIRED turns "no server configured" skips into failures.
# LATCHKEY_TEST_POSTGRES_PORT and _DIR let two checkouts on one machine run the suite side by side.
pg_dir=${LATCHKEY_TEST_POSTGRES_DIR:-/tmp/latchkey-test-postgres}
pg_port=${LATCHKEY_TEST_POSTGRES_PORT:-55432}
export LATCHKEY_TEST_POSTGRES_DIR="$pg_dir" LATCHKEY_TEST_POSTGRES_REQUIRED=1
LATCHKEY_TEST_POSTGRES=$(bash scripts/postgres.sh start "$pg_dir" "$pg_port") || fail "could not start PostgreSQL (log: $pg_dir/server.log)"
export LATCHKEY_TEST_POSTGRES
trap 'bash scripts/postgres.sh stop "$pg_dir"' EXIT

# The Chromium journeys of social sign-in start npm's oidc-provider from tests/conformance (issue #26): its node_modules
# must be there before the .NET tests run, installed from the lock file as tests/conformance/run.sh installs them.
if ! cmp -s tests/conformance/package-lock.json tests/conformance/node_modules/.latchkey-package-lock.json 2>/dev/null; then
  (cd tests/conformance && npm ci --no-audit --no-fund >/dev/null && cp package-lock.json node_modules/.latchkey-package-lock.json) ||
    fail "npm ci in tests/conformance failed"
fi

dotnet test Latchkey.slnx -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results"
status=$?

# No secrets in the logs the test hosts wrote (docs/observability.md): the scanner first proves it catches planted
# ones. One check in the final count.
python3 scripts/scan-logs.py --self-test && python3 scripts/scan-logs.py "$results/logs"
scan_status=$?

# Conformance: the official Wix SDK and openid-client against the Release server binary.
conformance_log="$results/conformance.log"
CONFORMANCE_REPORTER=tap bash tests/conformance/run.sh >"$conformance_log" 2>&1
conformance_status=$?
grep -E '^not ok|^# (tests|pass|fail|skipped)' "$conformance_log" || true
if [[ $conformance_status -ne 0 ]]; then
  echo "test.sh: conformance failed (exit $conformance_status); the full log is $conformance_log" >&2
  tail -60 "$conformance_log" >&2
fi

# The Wix SDK integration package (packages/wix-sdk, docs/wix-sdk.md): its rewrite rules against a loopback server.
package_log="$results/wix-sdk-package.log"
(cd packages/wix-sdk && node --test --test-reporter=tap test/) >"$package_log" 2>&1
package_status=$?
grep -E '^not ok' "$package_log" || true
[[ $package_status -ne 0 ]] && { echo "test.sh: packages/wix-sdk tests failed; the log is $package_log" >&2; tail -40 "$package_log" >&2; }

# --- crash consistency (issue #10.2, docs/reliability.md): short mode, SQLite and PostgreSQL, one test each. The
# result is written as a minimal .trx so that the count below includes it. ---
crash_passed=0 crash_failed=0
for crash_mode in sqlite postgres; do
  crash_log="$results/crash-consistency-$crash_mode.log"
  if bash scripts/crash-consistency.sh --short $([[ $crash_mode == postgres ]] && echo --postgres) >"$crash_log" 2>&1; then
    crash_passed=$((crash_passed + 1))
  else
    crash_failed=$((crash_failed + 1))
    echo "test.sh: crash consistency on $crash_mode failed; the log is $crash_log" >&2
    tail -20 "$crash_log" >&2
  fi
done
echo "<TestRun><ResultSummary><Counters passed=\"$crash_passed\" failed=\"$crash_failed\"/></ResultSummary></TestRun>" >"$results/crash-consistency.trx"
# --- end crash consistency ---

# --- shipping (issue #22, docs/deployment.md): the README's steps on a fresh copy of the checkout, the release
# artifacts and the tool, the systemd unit, the Kubernetes and compose files and the container image; one test each. ---
ship_log="$results/ship-check.log"
bash scripts/ship-check.sh --trx "$results/ship-check.trx" >"$ship_log" 2>&1
ship_status=$?
grep -E '^(ok|not ok) ' "$ship_log" || true
if [[ $ship_status -ne 0 ]]; then
  echo "test.sh: shipping checks failed; the log is $ship_log" >&2
  grep -A40 '^not ok ' "$ship_log" | head -120 >&2
  [[ -f $results/ship-check.trx ]] ||
    echo '<TestRun><ResultSummary><Counters passed="0" failed="1"/></ResultSummary></TestRun>' >"$results/ship-check.trx"
fi
# --- end shipping ---

python3 - "$results" "$status" "$conformance_log" "$conformance_status" "$scan_status" "$package_log" "$package_status" <<'PY'
import glob, re, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
if int(sys.argv[5]) == 0:
    passed += 1  # scan-logs: no secret in the test logs
else:
    failed += 1
for log_path, run_status in ((sys.argv[3], sys.argv[4]), (sys.argv[6], sys.argv[7])):  # node's TAP runs
    log = open(log_path, encoding="utf-8", errors="replace").read()
    counts = {}
    for k, v in re.findall(r"^# (pass|fail|skipped) (\d+)$", log, re.M):  # one summary per node run: add them up
        counts[k] = counts.get(k, 0) + int(v)
    passed += counts.get("pass", 0)
    failed += counts.get("fail", 0)
    skipped += counts.get("skipped", 0)
    if int(run_status) != 0 and counts.get("fail", 0) == 0:
        failed += 1  # the run failed before or outside its tests
files = glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)
for path in files:
    counters = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
if not files or (int(sys.argv[2]) != 0 and failed == 0):
    failed += 1  # the runner failed without a result file saying why
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
