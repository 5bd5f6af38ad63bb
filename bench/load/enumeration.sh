#!/usr/bin/env bash
# Login timing for a known vs an unknown email (issue #6; on demand, not in CI):  bash bench/load/enumeration.sh [tries]
# Starts the Release server on a fresh data dir with throttling off (the account rule would otherwise answer the
# known email with fast 429s after ten failures), then prints one table row: median and p90 in ms for each, and the
# difference of the medians. Target: under 5 %.
set -euo pipefail
cd "$(dirname "$0")/../.."
tries=${1:-1000}
port=${LATCHKEY_BENCH_PORT:-5093}
base="http://127.0.0.1:$port"
dotnet build src/Latchkey.Server -c Release -v quiet --nologo >/dev/null
dotnet build bench/Latchkey.Load -c Release -v quiet --nologo >/dev/null
data=$(mktemp -d /tmp/latchkey-enum.XXXXXX)
LATCHKEY_DATA_DIR="$data" Logging__LogLevel__Default=Warning \
  Latchkey__Throttling__PerIpPerMinute__Login=0 Latchkey__Throttling__PerIpPerMinute__Register=0 \
  Latchkey__Throttling__AccountFailuresBeforeThrottle=0 Latchkey__Captcha__DefaultMode=off \
  dotnet src/Latchkey.Server/bin/Release/net10.0/latchkey.dll --urls "$base" >"$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -fs -o /dev/null "$base/health/live"; do kill -0 $pid || { cat "$data/server.log"; exit 1; }; sleep 0.1; done
printf '| tries | known median ms | known p90 ms | unknown median ms | unknown p90 ms | difference of medians |\n|---|---|---|---|---|---|\n'
dotnet bench/Latchkey.Load/bin/Release/net10.0/Latchkey.Load.dll enumeration "$base" "$data" "$tries"
