#!/usr/bin/env bash
# The server load benchmark (issue #4), on demand, not in CI:  bash bench/load/run.sh [seconds-per-scenario]
# Builds Release, starts Latchkey on a fresh data dir on loopback, drives it from a second process with wrk
# (Debian package `wrk`; the Lua scripts are in bench/load/lua) and prints one table: operations/s, wrk's p50/p99
# latency, status counts and the server's peak RSS per scenario, the raw Argon2id ceiling of this machine, login/s ÷ raw hashes/s, the 500-connection login
# storm, login latency at 1,000 vs 1,000,000 members, idle RSS and start-to-first-200.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
port=${LATCHKEY_BENCH_PORT:-5091}
base="http://127.0.0.1:$port"
# The server as an operator would deploy it: published, ReadyToRun (precompiled, so start-up JITs far less).
publish=$(mktemp -d /tmp/latchkey-publish.XXXXXX)
dotnet publish src/Latchkey.Server -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$publish" -v quiet --nologo >/dev/null
dotnet build bench/Latchkey.Load -c Release -v quiet --nologo >/dev/null
server_dll=$publish/Latchkey.Server.dll
load() { dotnet bench/Latchkey.Load/bin/Release/net10.0/Latchkey.Load.dll "$@"; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
# wrk <script> <threads> <connections> <seconds>: prints the script's result line (see bench/load/lua/common.lua).
wrk_run() { wrk -t "$2" -c "$3" -d "${4}s" --timeout 30s -s "bench/load/lua/$1.lua" "$base" | grep -P '^[a-z-]+\t' | tail -n 1; }
export LK_PASSWORD="correct horse battery" LK_RUN="$$-$(date +%s)"
# PKCE: one verifier and its S256 challenge for every flow (each code is still new).
export LK_VERIFIER=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
export LK_CHALLENGE=$(printf '%s' "$LK_VERIFIER" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=')

pid=
stop() { if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap 'stop; rm -rf "$data" "$publish"' EXIT

# start <data dir>: launches the server; sets $pid and $start_ms (launch to the first 200 of /health/live).
start() {
  local t0; t0=$(date +%s%N)
  # All load comes from one address, so the abuse-protection allowances (20 registrations and 60 logins a minute
  # per address, 10 failures per account) are lifted: the table measures the work, not the throttle.
  LATCHKEY_DATA_DIR="$1" Logging__LogLevel__Default=Warning \
    Latchkey__Throttling__PerIpPerMinute__Login=0 Latchkey__Throttling__PerIpPerMinute__Register=0 \
    Latchkey__Throttling__PerSitePerMinute__Login=0 Latchkey__Throttling__PerSitePerMinute__Register=0 \
    Latchkey__Throttling__AccountFailuresBeforeThrottle=0 \
    dotnet "$server_dll" --urls "$base" >"$1/server.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "$base/health/live"; do
    kill -0 "$pid" 2>/dev/null || { cat "$1/server.log" >&2; exit 1; }
    sleep 0.005
  done
  start_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status"; }
# Peak RSS since the last reset: writing 5 to clear_refs resets VmHWM, so each scenario gets its own peak.
reset_peak() { echo 5 > "/proc/$pid/clear_refs" 2>/dev/null || true; }
peak_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status"; }
# The server's CPU time so far, in ms (utime + stime, clock ticks of 10 ms): CPU per operation does not depend on
# how busy the rest of the machine is the way ops/s does.
cpu_ms() { awk '{print ($14 + $15) * 10}' "/proc/$pid/stat"; }

data=$(mktemp -d /tmp/latchkey-bench.XXXXXX)
start "$data"
first=$start_ms
sleep 2
idle=$(rss_mb)

printf '| scenario | connections | ops/s | p50 ms | p99 ms | ops | 2xx | 429 | 5xx | other | timeouts | peak RSS MB | server CPU ms/op |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
# The client id, API key, a visitor token, a stable member refresh token and the login member.
eval "$(load setup "$base" "$data" | sed 's/^/export /')"
row() { # row <scenario> <wrk threads> <connections> [seconds]; LK_SCRIPT picks another Lua script than <scenario>.lua
  reset_peak
  local cpu0; cpu0=$(cpu_ms)
  local out; out=$(wrk_run "${LK_SCRIPT:-$1}" "$2" "$3" "${4:-$seconds}")
  IFS=$'\t' read -r name ops p50 p99 count ok tooMany fivexx other timeouts <<<"$out"
  local cpu; cpu=$(awk -v a="$cpu0" -v b="$(cpu_ms)" -v n="$count" 'BEGIN { printf "%.2f", (n > 0 ? (b - a) / n : 0) }')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$3" "$ops" "$p50" "$p99" "$count" "$ok" "$tooMany" "$fivexx" "$other" "$timeouts" "$(peak_mb)" "$cpu"
  echo "$ops" > "$data/$1.ops"
}
row anonymous 1 64
row refresh 1 64
row flow 16 16
row register 1 8
LK_LOGIN_EMAIL=login@example.com row login 1 8
LK_LOGIN_EMAIL=login@example.com LK_SCENARIO=storm LK_SCRIPT=login row storm 2 500 30

stop
start "$data"; restart=$start_ms; stop
read -r _ raw cores <<<"$(load argon2 "$seconds")"
login=$(cat "$data/login.ops")
ratio=$(awk -v a="$login" -v b="$raw" 'BEGIN { printf "%.2f", a / b }')

# Login latency with 1,000 and with 1,000,000 members (the same PHC string copied, no hashing per member).
latency_at() {
  local dir; dir=$(mktemp -d /tmp/latchkey-seed.XXXXXX)
  start "$dir"; stop
  load seed "$dir" "$1" >/dev/null
  start "$dir"
  eval "$(load setup "$base" "$dir" | sed 's/^/local /')"
  local out; out=$(LK_VISITOR=$LK_VISITOR LK_SCENARIO=login-seeded wrk_run login 1 2 "$seconds")
  stop; rm -rf "$dir"
  IFS=$'\t' read -r _ ops p50 p99 _ <<<"$out"
  echo "$ops $p50 $p99"
}
latency_at 1000 > "$data/small"; read -r small_ops small_p50 small_p99 < "$data/small"
latency_at 1000000 > "$data/big"; read -r big_ops big_p50 big_p99 < "$data/big"

printf '\n| measure | value |\n|---|---|\n'
printf '| raw Argon2id ceiling (m=19 MiB, t=2, p=1, %s threads) | %s hashes/s |\n' "$cores" "$raw"
printf '| login/s ÷ raw hashes/s | %s |\n' "$ratio"
printf '| login at 1,000 members (2 connections) | %s/s, p50 %s ms, p99 %s ms |\n' "$small_ops" "$small_p50" "$small_p99"
printf '| login at 1,000,000 members (2 connections) | %s/s, p50 %s ms, p99 %s ms |\n' "$big_ops" "$big_p50" "$big_p99"
printf '| idle RSS after start | %s MB |\n' "$idle"
printf '| start to first 200 (empty data dir, includes migrations and bootstrap) | %s ms |\n' "$first"
printf '| start to first 200 (restart on the same data dir) | %s ms |\n' "$restart"
