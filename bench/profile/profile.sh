#!/usr/bin/env bash
# On-CPU profile of the server under one wrk scenario (how docs/benchmarks.md found what a request costs), on demand:
#   bash bench/profile/profile.sh <scenario: anonymous|refresh|flow|login|register> [seconds]
# Publishes the server (IL only), starts it on a fresh SQLite data dir with every managed method JIT-compiled and
# listed in a perf map (DOTNET_ReadyToRun=0, DOTNET_PerfMapEnabled=1; W^X off, because its double mapping hides JIT
# code from perf), warms the scenario up for WARMUP seconds (default 40: tiered compilation needs that long), then
# samples the whole machine with `perf record -a -e cpu-clock -g` (Debian's linux-perf) while wrk drives it. Prints
# wrk's result line and the server CPU per operation; `python3 bench/profile/inclusive.py` then breaks the server's
# samples down.
# The JIT-only server is the steady state of a long-running one; the ReadyToRun build spends ~25 % more CPU per
# request even after warm-up (docs/benchmarks.md), so compare ms/op only between runs of this script.
set -euo pipefail
cd "$(dirname "$0")/../.."
scenario=$1; seconds=${2:-20}; warmup=${WARMUP:-40}
port=${LATCHKEY_PROFILE_PORT:-5093}; base=http://127.0.0.1:$port
out=${LATCHKEY_PROFILE_OUT:-/tmp/latchkey-profile}
command -v perf >/dev/null || { echo "perf is missing: apt-get install -y linux-perf" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
mkdir -p "$out"
publish=$(mktemp -d /tmp/latchkey-profile-publish.XXXXXX)
data=$(mktemp -d /tmp/latchkey-profile-data.XXXXXX)
pid=
trap 'if [[ -n $pid ]]; then kill $pid 2>/dev/null; wait $pid 2>/dev/null; fi; rm -rf "$publish" "$data"' EXIT
dotnet publish src/Latchkey.Server -c Release -r linux-x64 --self-contained false -o "$publish" -v quiet --nologo >/dev/null
dotnet build bench/Latchkey.Load -c Release -v quiet --nologo >/dev/null
source bench/load/unthrottled.sh
env LATCHKEY_DATA_DIR="$data" Logging__LogLevel__Default=Warning \
  DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_EnableWriteXorExecute=0 "${unthrottled[@]}" \
  dotnet "$publish/latchkey.dll" --urls "$base" >"$data/server.log" 2>&1 &
pid=$!
until curl -fs -o /dev/null "$base/health/live"; do kill -0 $pid 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }; sleep 0.05; done
export LK_PASSWORD="correct horse battery" LK_RUN="$$-$(date +%s)"
export LK_VERIFIER=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
export LK_CHALLENGE=$(printf '%s' "$LK_VERIFIER" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=')
eval "$(dotnet bench/Latchkey.Load/bin/Release/net10.0/Latchkey.Load.dll setup "$base" "$data" | sed 's/^/export /')"
[[ $scenario == login ]] && export LK_LOGIN_EMAIL=login@example.com
connections=64; threads=1
[[ $scenario == flow ]] && { connections=16; threads=16; }
[[ $scenario == login || $scenario == register ]] && connections=8
LK_RUN="$LK_RUN-warm" wrk -t$threads -c$connections -d"${warmup}s" -s "bench/load/lua/$scenario.lua" "$base" >/dev/null
cpu0=$(awk '{print ($14 + $15) * 10}' /proc/$pid/stat)
wrk -t$threads -c$connections -d"${seconds}s" --timeout 30s -s "bench/load/lua/$scenario.lua" "$base" >"$out/wrk.txt" &
wrk_pid=$!
sleep 2
# System-wide, kept to the server by inclusive.py (the pid file): recording the process with -p halved its login
# rate on this VM (docs/benchmarks.md), while -a leaves it as it runs unobserved.
perf record -e cpu-clock -F 499 -g -a -o "$out/perf.data" -- sleep $((seconds - 4)) >/dev/null 2>&1
echo $pid >"$out/perf.data.pid"
wait $wrk_pid
cpu1=$(awk '{print ($14 + $15) * 10}' /proc/$pid/stat)
line=$(grep -P '^[a-z0-9-]+\t' "$out/wrk.txt" | tail -n 1)
echo "$line"
awk -v a="$cpu0" -v b="$cpu1" -v n="$(cut -f6 <<<"$line")" 'BEGIN { printf "server CPU ms/op %.3f\n", (b - a) / n }'
# perf resolves JIT frames through /tmp/perf-<pid>.map, which the runtime leaves behind.
echo "samples: $out/perf.data (python3 bench/profile/inclusive.py $out/perf.data [substring])"
