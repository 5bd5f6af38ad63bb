#!/usr/bin/env bash
# The shipping checks (issue #22, docs/deployment.md), on a fresh copy of this checkout, as a new user and an operator
# would go: the README's steps (run, the CLI from the same folder, publish, the published program started from /),
# the release artifacts and the .NET tool, the systemd unit, the container image and the compose and Kubernetes files.
#   scripts/ship-check.sh [--trx <file>]      prints "ok N - …" / "not ok N - …" per check; exits 1 when one failed
# Needs: curl, python3, podman, runc, docker-registry, docker-compose, kubectl and systemd-analyze (scripts/test.sh
# installs them) and, for the container on PostgreSQL, the test cluster of scripts/postgres.sh in LATCHKEY_TEST_POSTGRES.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
trx=""
[[ ${1:-} == --trx ]] && trx=$2

work=$(mktemp -d /tmp/latchkey-ship-XXXXXX)
clone=$work/clone
logs=$work/logs
mkdir -p "$clone" "$logs"
pids=$work/pids
cleanup() {
  if [[ -d $work/podman ]]; then
    podman_ rm -f -a -t 5 >/dev/null 2>&1
    podman_ system reset -f >/dev/null 2>&1
    umount -R "$work/podman/root/overlay" 2>/dev/null
  fi
  if [[ -f $pids ]]; then
    while read -r pid; do kill -TERM -- "-$pid" 2>/dev/null; done <"$pids"
  fi
  [[ -n ${LATCHKEY_SHIP_KEEP:-} ]] || rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0 number=0
# check <name> <command...>: one counted check, its output in $logs/<n>.log (shown when it fails). It runs in a
# subshell with errexit: the first command that fails, or a `fail`, ends it. What later checks need is kept in files
# under $work (the version, the pids to stop).
check() {
  number=$((number + 1))
  local log="$logs/$number.log" began=$SECONDS status
  (
    set -e
    "${@:2}"
  ) >"$log" 2>&1
  status=$?
  if ((status == 0)); then
    passed=$((passed + 1))
    echo "ok $number - $1 # $((SECONDS - began)) s"
  else
    failed=$((failed + 1))
    echo "not ok $number - $1 # $((SECONDS - began)) s"
    tail -40 "$log" | sed 's/^/#   /'
  fi
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))$2)" "$1"; }

# wait_ready <url> <seconds> <pid>: until /health/ready answers 200, while the process lives.
wait_ready() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    curl -fsS -o /dev/null "$1/health/ready" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "FAIL: the server exited before it was ready" >&2; return 1; }
    sleep 1
  done
  echo "FAIL: $1 was not ready within $2 s" >&2
  return 1
}

# start <log> <command...>: runs in its own process group (stopped with it), answers its pid in $started.
start() {
  local log=$1
  shift
  setsid "$@" >"$log" 2>&1 &
  started=$!
  echo "$started" >>"$pids"
}
# stop <pid>: SIGTERM to its process group, then until it is gone (started by this check or by an earlier one).
stop() {
  kill -TERM -- "-$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local deadline=$((SECONDS + 60))
  while kill -0 "$1" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
}

# private <dir>: the folder 0700 and every file and folder in it 0600 / 0700.
private() {
  [[ $(stat -c %a "$1") == 700 ]] || fail "$1 is $(stat -c %a "$1")"
  local open
  open=$(find "$1" -mindepth 1 \( -type f ! -perm 600 \) -o \( -type d ! -perm 700 \) -printf '%m %p\n')
  [[ -z $open ]] || fail "not private: $open"
  ls -la "$1"
}

# no_secret <log> <values...>: none of the values, and nothing scripts/scan-logs.py calls a secret, is in the log.
no_secret() {
  local log=$1 value
  shift
  for value in "$@"; do
    [[ -n $value ]] || continue
    if grep -qF -- "$value" "$log"; then fail "a secret (${value:0:4}…) is in $log: $(grep -nF -- "$value" "$log" | head -2 | cut -c1-200)"; fi
  done
  mkdir -p "$work/scan" && cp "$log" "$work/scan/$(basename "$log").log"
  python3 "$repo/scripts/scan-logs.py" "$work/scan"
}

# authorize <base> <data-dir>: login, then GET /oauth2/authorize with the session token in the URL (as the Wix SDK
# does); prints the session token and the code, which must not be logged.
authorize() {
  local client visitor session verifier challenge location
  client=$(json "$2/bootstrap.json" "['clientId']")
  visitor=$(curl -fsS "$1/oauth2/token" -H 'content-type: application/json' -d "{\"clientId\":\"$client\",\"grantType\":\"anonymous\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -fsS -o /dev/null "$1/_api/iam/authentication/v2/register" -H "authorization: $visitor" -H 'content-type: application/json' \
    -d '{"loginId":{"email":"authorize@example.com"},"password":"correct horse battery"}' || true
  session=$(curl -fsS "$1/_api/iam/authentication/v2/login" -H "authorization: $visitor" -H 'content-type: application/json' \
    -d '{"loginId":{"email":"authorize@example.com"},"password":"correct horse battery"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessionToken"])')
  read -r verifier challenge <<<"$(python3 -c '
import base64, hashlib, os
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
v = b64(os.urandom(32)); print(v, b64(hashlib.sha256(v.encode()).digest()))')"
  location=$(curl -sS -o /dev/null -w '%{redirect_url}' "$1/oauth2/authorize?clientId=$client&responseType=code&redirectUri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&codeChallenge=$challenge&codeChallengeMethod=S256&sessionToken=$session&prompt=none&state=s1")
  [[ $location == http://localhost:3000/callback?*code=* ]] || fail "authorize answered $location"
  local code=${location##*code=}
  echo "$session ${code%%&*}"
}

# authorized <base> <data-dir>: runs authorize; sets $session and $code (both must not be logged).
authorized() {
  read -r session code <<<"$(authorize "$1" "$2")"
  [[ -n $session && -n $code ]] || fail "no session token or code from authorize"
}

echo "# ship-check in $work" >&2
# A fresh clone: what git tracks (and new files not yet committed, not ignored), nothing built, no data.
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [[ -e $f ]] && mkdir -p "$clone/$(dirname "$f")" && cp -p "$f" "$clone/$f"
done
for part in readme artifacts systemd deploy container; do
  source "$repo/scripts/ship/$part.sh"
done

check "README: dotnet run serves from ./data of the folder it runs in, and the curl scenario passes" readme_run
check "README: the CLI from the same folder sees the server's site and the audited first start" readme_cli
check "README: publish holds no data, no key, and the build log no secret" readme_publish
check "README: the published program started from / applies its appsettings.json, logs no secret at Debug, keeps its files private" readme_published_from_root
check "release: single files for linux-x64 and linux-arm64, the tool package, SHA256SUMS" release_artifacts
check "release: the linux-x64 single file and the installed tool run" release_run
check "systemd: the unit passes systemd-analyze verify and security" systemd_unit
check "systemd: Type=notify: READY=1 once serving, STOPPING=1 on SIGTERM" systemd_notify
check "kubernetes: the base and the PostgreSQL overlay render and hold probes, the master-key Secret and a non-root pod" kubernetes
check "compose: the file is valid and runs Latchkey on PostgreSQL with migrate first" compose_config
check "container: PublishContainer builds the image on a chiseled-style base from a loopback registry" container_image
check "container: the image runs non-root on /data, answers its health check and passes the curl scenario" container_run
check "container: the compose file's settings run it on PostgreSQL, migrate first" container_on_postgres

echo "# ship-check: $passed passed, $failed failed in $SECONDS s"
[[ -z $trx ]] || echo "<TestRun><ResultSummary><Counters passed=\"$passed\" failed=\"$failed\"/></ResultSummary></TestRun>" >"$trx"
((failed == 0))
