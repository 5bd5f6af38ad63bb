#!/usr/bin/env bash
# Soak (issue #10.5, docs/reliability.md): measures the capacity of a mixed load (login, register, refresh,
# token-info, user-info, anonymous grant), then holds 70 % of it for 30 minutes against the Release server and reports
# latency, errors and memory every 30 s. Not run in CI.
#
#   bash scripts/soak.sh [--duration SECONDS] [--probe SECONDS] [--load 0.7] [--postgres]
#   --postgres uses a fresh database on LATCHKEY_TEST_POSTGRES (or its own cluster, like crash-consistency.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dll=${LATCHKEY_SERVER_DLL:-"$root/src/Latchkey.Server/bin/Release/net10.0/latchkey.dll"}
[[ -f $dll ]] || { echo "soak: $dll not found; run: dotnet build src/Latchkey.Server -c Release" >&2; exit 2; }

args=() postgres=0
while (($#)); do
  case $1 in
    --postgres) postgres=1 ;;
    --duration|--probe|--load|--workers|--seed) args+=("$1" "$2"); shift ;;
    *) echo "usage: $0 [--duration S] [--probe S] [--load F] [--workers N] [--postgres]" >&2; exit 2 ;;
  esac
  shift
done

work=$(mktemp -d /tmp/latchkey-soak-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
own_cluster=""
trap '[[ -n $own_cluster ]] && bash "$root/scripts/postgres.sh" stop "$own_cluster" >/dev/null 2>&1; true' EXIT
if ((postgres)); then
  server=${LATCHKEY_TEST_POSTGRES:-}
  if [[ -z $server ]]; then
    own_cluster=/tmp/latchkey-soak-postgres
    server=$(bash "$root/scripts/postgres.sh" start "$own_cluster" "${LATCHKEY_CRASH_PG_PORT:-55444}")
  fi
  database="soak_$(date +%s)_$$"
  url=$(python3 -c 'import sys; p=dict(x.split("=",1) for x in sys.argv[1].split(";") if x); print(f"postgresql://{p["Username"]}:{p["Password"]}@{p["Host"]}:{p["Port"]}/postgres")' "$server")
  psql "$url" -qc "CREATE DATABASE $database" >/dev/null
  args+=(--postgres "$(sed -E "s/Database=[^;]*/Database=$database/" <<<"$server")")
fi
echo "soak: work directory $work (server.log)" >&2
python3 "$root/scripts/soak.py" --dll "$dll" --work "$work" --port "$port" "${args[@]}"
