#!/usr/bin/env bash
# Crash consistency (issue #10.2; docs/reliability.md): registration, password-change and refresh load against the
# Release server, SIGKILLed at random moments and restarted; then every acknowledged write is checked and, on SQLite,
# the file must pass PRAGMA integrity_check after every kill.
#
#   bash scripts/crash-consistency.sh [--short] [--postgres] [--seed N]
#
#   --short      5 kills, 2-4 s of load between them (CI, scripts/test.sh); default: 25 kills, 2-6 s apart
#   --postgres   on PostgreSQL: a fresh database on the server in LATCHKEY_TEST_POSTGRES, or, when that is unset,
#                a cluster of its own started with scripts/postgres.sh (port LATCHKEY_CRASH_PG_PORT, default 55444)
#   LATCHKEY_SERVER_DLL   the server to run (default: this tree's Release build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

kills=25 min=2.0 max=6.0 postgres=0 seed=$(date +%s)
while (($#)); do
  case $1 in
    --short) kills=5 min=2.0 max=4.0 ;;
    --postgres) postgres=1 ;;
    --seed) seed=$2; shift ;;
    *) echo "usage: $0 [--short] [--postgres] [--seed N]" >&2; exit 2 ;;
  esac
  shift
done

dll=${LATCHKEY_SERVER_DLL:-"$root/src/Latchkey.Server/bin/Release/net10.0/latchkey.dll"}
[[ -f $dll ]] || { echo "crash-consistency: $dll not found; run: dotnet build src/Latchkey.Server -c Release" >&2; exit 2; }

work=$(mktemp -d /tmp/latchkey-crash-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
args=(--dll "$dll" --work "$work" --port "$port" --kills "$kills" --min-load "$min" --max-load "$max" --seed "$seed")

own_cluster=""
cleanup() {
  [[ -n $own_cluster ]] && bash "$root/scripts/postgres.sh" stop "$own_cluster" >/dev/null 2>&1
  return 0
}
trap cleanup EXIT

if ((postgres)); then
  server=${LATCHKEY_TEST_POSTGRES:-}
  if [[ -z $server ]]; then
    own_cluster=/tmp/latchkey-crash-postgres
    server=$(bash "$root/scripts/postgres.sh" start "$own_cluster" "${LATCHKEY_CRASH_PG_PORT:-55444}")
  fi
  database="crash_$(date +%s)_$$"
  # The maintenance database of the same server: the connection string with Database=postgres.
  admin=$(sed -E 's/Database=[^;]*/Database=postgres/' <<<"$server")
  psql_url=$(python3 - "$admin" <<'PY'
import sys
parts = dict(p.split("=", 1) for p in sys.argv[1].split(";") if p)
print(f"postgresql://{parts['Username']}:{parts['Password']}@{parts['Host']}:{parts['Port']}/{parts['Database']}")
PY
)
  psql "$psql_url" -qc "CREATE DATABASE $database" >/dev/null
  args+=(--postgres "$(sed -E "s/Database=[^;]*/Database=$database/" <<<"$server")")
fi

echo "crash-consistency: work directory $work" >&2
status=0
python3 "$root/scripts/crash_consistency.py" "${args[@]}" || status=$?
if ((postgres)); then
  psql "$psql_url" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null || true
fi
if ((status == 0)); then
  rm -rf "$work"
else
  echo "crash-consistency: kept $work (journal.jsonl, server.log)" >&2
fi
exit $status
