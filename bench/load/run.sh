#!/usr/bin/env bash
# The server load benchmark (issues #4, #7), on demand, not in CI:
#   bash bench/load/run.sh [--postgres] [--only=scenario,...] [seconds-per-scenario]
# Builds Release, starts Latchkey on a fresh data dir on loopback, drives it from a second process with wrk
# (Debian package `wrk`; the Lua scripts are in bench/load/lua) and prints one table: operations/s, wrk's p50/p99
# latency, status counts and the server's peak RSS per scenario, the raw Argon2id ceiling of this machine (measured
# between the login rounds), login/s ÷ raw hashes/s, the 500-connection login storm, the same operations of a peer
# (ASP.NET Core Identity's MapIdentityApi, bench/Latchkey.IdentityPeer) and Latchkey's ratios to it, login latency at 1,000 vs
# 1,000,000 members, idle RSS and start-to-first-200. Each scenario first runs unmeasured for LATCHKEY_BENCH_WARMUP
# seconds (default 20; 0 turns it off).
#
# SQLite (the default): the database file in the data dir; the first start migrates it. --postgres: a private,
# throwaway PostgreSQL cluster (scripts/postgres.sh; LATCHKEY_BENCH_PG_DIR, default /tmp/latchkey-bench-pg, port
# LATCHKEY_BENCH_PG_PORT, default 55433; never the shared test cluster on 55432), recreated at every run with
# pg_stat_statements loaded, one new database per data dir, migrated by `latchkey migrate` as an operator
# would (nodes never migrate PostgreSQL), Npgsql "Maximum Pool Size" LATCHKEY_BENCH_PG_POOL (default 32). A second
# table then gives the database's share of each scenario: statements, writes and commits per operation, execution
# time and WAL bytes (pg_stat_statements), and the CPU time of the PostgreSQL processes. LATCHKEY_BENCH_PG_KEEP=1
# leaves the cluster running afterwards (for pg_stat_statements by hand); it is stopped and removed otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
database=sqlite
only=
positional=()
for arg in "$@"; do
  case "$arg" in
    --postgres) database=postgresql ;;
    # --only=anonymous,refresh: just those rows of the first table (with login, also its ratio to the raw ceiling),
    # nothing after it (a quick look while profiling); --only=startup: just idle RSS and start to first 200.
    --only=*) only=",${arg#--only=}," ;;
    -*) echo "usage: bash bench/load/run.sh [--postgres] [--only=scenario,...] [seconds-per-scenario]" >&2; exit 2 ;;
    *) positional+=("$arg") ;;
  esac
done
seconds=${positional[0]:-20}
warmup=${LATCHKEY_BENCH_WARMUP:-20}
rounds=${LATCHKEY_BENCH_LOGIN_ROUNDS:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "LATCHKEY_BENCH_LOGIN_ROUNDS must be a whole number of at least 1" >&2; exit 2; }
pg_dir=${LATCHKEY_BENCH_PG_DIR:-/tmp/latchkey-bench-pg}
pg_port=${LATCHKEY_BENCH_PG_PORT:-55433}
pg_pool=${LATCHKEY_BENCH_PG_POOL:-32}
pg_ours=
if [[ $database == postgresql ]]; then
  if [[ $pg_port == 55432 ]]; then echo "port 55432 is the shared test cluster; pick another LATCHKEY_BENCH_PG_PORT" >&2; exit 2; fi
  if [[ -e $pg_dir && ! -f $pg_dir/PG_VERSION && -n $(ls -A "$pg_dir") ]]; then
    echo "$pg_dir exists and is not a PostgreSQL cluster; pick another LATCHKEY_BENCH_PG_DIR" >&2; exit 2
  fi
fi
port=${LATCHKEY_BENCH_PORT:-5091}
base="http://127.0.0.1:$port"
# The server as an operator would deploy it: published, ReadyToRun (precompiled, so start-up JITs far less).
publish=$(mktemp -d /tmp/latchkey-publish.XXXXXX)
dotnet publish src/Latchkey.Server -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$publish" -v quiet --nologo >/dev/null
dotnet build bench/Latchkey.Load -c Release -v quiet --nologo >/dev/null
dotnet build bench/Latchkey.IdentityPeer -c Release -v quiet --nologo >/dev/null
server_dll=$publish/latchkey.dll
load() { dotnet bench/Latchkey.Load/bin/Release/net10.0/Latchkey.Load.dll "$@"; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
# wrk <script> <threads> <connections> <seconds>: prints the script's result line (see bench/load/lua/common.lua).
wrk_run() { wrk -t "$2" -c "$3" -d "${4}s" --timeout 30s -s "bench/load/lua/$1.lua" "$base" | grep -P '^[a-z0-9-]+\t' | tail -n 1; }
export LK_PASSWORD="correct horse battery" LK_RUN="$$-$(date +%s)"
# PKCE: one verifier and its S256 challenge for every flow (each code is still new).
export LK_VERIFIER=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
export LK_CHALLENGE=$(printf '%s' "$LK_VERIFIER" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=')

pid=
data=
stop() { if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
cleanup() {
  stop
  rm -rf "$data" "$publish"
  if [[ -n $pg_ours && ${LATCHKEY_BENCH_PG_KEEP:-} != 1 ]]; then
    bash scripts/postgres.sh stop "$pg_dir"
    rm -rf "$pg_dir"
  fi
}
trap cleanup EXIT
echo "load average before: $(uptime | sed 's/.*load average: //')"

if [[ $database == postgresql ]]; then
  # A fresh cluster each run: no leftover databases, statistics or settings from an earlier one.
  pg_ours=1
  bash scripts/postgres.sh stop "$pg_dir"
  rm -rf "$pg_dir"
  bash scripts/postgres.sh start "$pg_dir" "$pg_port" >/dev/null
  echo "shared_preload_libraries = 'pg_stat_statements'" >>"$pg_dir/postgresql.conf"
  bash scripts/postgres.sh stop "$pg_dir"
  bash scripts/postgres.sh start "$pg_dir" "$pg_port" >/dev/null
  psql_bin=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -n 1)
  psql_as() { local user=$1 db=$2; shift 2; PGPASSWORD=$user "$psql_bin" -h 127.0.0.1 -p "$pg_port" -U "$user" -d "$db" -qtAX -v ON_ERROR_STOP=1 "$@"; }
  psql_as postgres postgres -c "CREATE EXTENSION pg_stat_statements"
  # Nodes that share a database share the master key (docs/deployment.md); here one node at a time, set as in production.
  export Latchkey__MasterKey=$(head -c 32 /dev/urandom | base64)
  pg_version=$(psql_as postgres postgres -c "SHOW server_version" | cut -d' ' -f1)
  pg_settings=$(psql_as postgres postgres -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections')")
  echo "database: PostgreSQL $pg_version, private cluster on 127.0.0.1:$pg_port ($pg_settings), Npgsql Maximum Pool Size=$pg_pool, one node"
else
  echo "database: SQLite (WAL, synchronous=NORMAL), the file latchkey.db in the node's data dir"
fi

# prepare <data dir>: on PostgreSQL, a new database for that data dir, migrated and bootstrapped by `migrate` (which
# writes bootstrap.json into the data dir); sets $migrate_ms. On SQLite nothing: the node's first start migrates.
pg_databases=0
prepare() {
  [[ $database == postgresql ]] || return 0
  pg_databases=$((pg_databases + 1))
  local name="bench_$pg_databases"
  psql_as postgres postgres -c "CREATE DATABASE $name OWNER latchkey"
  echo "$name" >"$1/pg-database"
  echo "Host=127.0.0.1;Port=$pg_port;Username=latchkey;Password=latchkey;Database=$name;Maximum Pool Size=$pg_pool" >"$1/pg-connection-string"
  local t0; t0=$(date +%s%N)
  storage_for "$1"
  env "${storage[@]}" dotnet "$server_dll" migrate >"$1/migrate.log" 2>&1 || { cat "$1/migrate.log" >&2; exit 1; }
  migrate_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
# storage_for <data dir>: sets the array $storage to the environment of a server on that data dir (for `env`, which
# execs the server, so that $! is the server's own pid).
storage_for() {
  storage=(LATCHKEY_DATA_DIR="$1" Logging__LogLevel__Default=Warning)
  if [[ -f $1/pg-connection-string ]]; then
    storage+=(Latchkey__Storage__Provider=PostgreSql "Latchkey__Storage__ConnectionString=$(<"$1/pg-connection-string")")
  fi
}

source bench/load/unthrottled.sh
# start <data dir>: launches the server; sets $pid and $start_ms (launch to the first 200 of /health/live).
start() {
  # A server left over from another run would answer the health check below in this one's place.
  if curl -fs -o /dev/null "$base/health/live"; then echo "$base already answers; stop that server first" >&2; exit 1; fi
  local t0; t0=$(date +%s%N)
  storage_for "$1"
  # The abuse-protection allowances are lifted (bench/load/unthrottled.sh).
  env "${storage[@]}" "${unthrottled[@]}" dotnet "$server_dll" --urls "$base" >"$1/server.log" 2>&1 &
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
# PostgreSQL's CPU time so far, in ms: the postmaster, its live children (backends, WAL writer, checkpointer,
# autovacuum) and, through the postmaster's cutime/cstime, the children that have exited.
pg_cpu_ms() {
  local postmaster; postmaster=$(head -n 1 "$pg_dir/postmaster.pid")
  { cat "/proc/$postmaster/stat"
    for child in $(cat "/proc/$postmaster/task/$postmaster/children"); do cat "/proc/$child/stat" 2>/dev/null || true; done
  } | awk -v pm="$postmaster" '{ t += $14 + $15; if ($1 == pm) t += $16 + $17 } END { print t * 10 }'
}
# pg_stat_statements for one database, summed: statements (without DISCARD ALL, BEGIN, COMMIT), writes (INSERT,
# UPDATE, DELETE), DISCARD ALL (the reset Npgsql sends ahead of the first command on a reused pooled connection, so
# about one per connection checkout), execution ms, WAL bytes.
pg_statements() {
  psql_as postgres postgres -F ' ' -c "
    SELECT coalesce(sum(calls) FILTER (WHERE kind NOT IN ('DISCARD', 'BEGIN', 'COMMIT', 'ROLLBACK', 'START')), 0),
           coalesce(sum(calls) FILTER (WHERE kind IN ('INSERT', 'UPDATE', 'DELETE', 'MERGE')), 0),
           coalesce(sum(calls) FILTER (WHERE kind = 'DISCARD'), 0),
           coalesce(round(sum(total_exec_time)::numeric, 1), 0),
           coalesce(sum(wal_bytes), 0)
    FROM (SELECT upper(substring(ltrim(query) FROM '^[A-Za-z]+')) AS kind, calls, total_exec_time, wal_bytes
          FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$(<"$1/pg-database")') q"
}

data=$(mktemp -d /tmp/latchkey-bench.XXXXXX)
prepare "$data"
first_migrate=${migrate_ms:-}
start "$data"
first=$start_ms
sleep 2
idle=$(rss_mb)

printf '| scenario | connections | ops/s | p50 ms | p99 ms | ops | 2xx | 429 | 5xx | other | timeouts | peak RSS MB | server CPU ms/op |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
# The client id, API key, a visitor token, a stable member refresh token and the login member.
eval "$(load setup "$base" "$data" | sed 's/^/export /')"
row() { # row <scenario> <wrk threads> <connections> [seconds]; LK_SCRIPT picks another Lua script than <scenario>.lua
  if [[ -n $only && $only != *",${LK_SCENARIO:-$1},"* ]]; then return 0; fi
  # Warm-up, not measured: a server runs for days, and its steady state is what the table is about. Tiered
  # compilation keeps re-JITting hot methods (ReadyToRun code first, then with profile data) for tens of seconds
  # after a path first gets busy; without this the first seconds of each scenario measured the JIT (start-up has
  # its own rows). The storm reuses the login warm-up. Its own run id keeps its registrations' emails apart.
  if [[ $warmup -gt 0 && ${LK_SCENARIO:-$1} != storm && -z ${LK_WARM:-} ]]; then LK_RUN="$LK_RUN-warm" wrk_run "${LK_SCRIPT:-$1}" "$2" "$3" "$warmup" >/dev/null; fi
  reset_peak
  local cpu0 db0 statements0; cpu0=$(cpu_ms)
  if [[ $database == postgresql ]]; then db0=$(pg_cpu_ms); statements0=$(pg_statements "$data"); fi
  local out; out=$(wrk_run "${LK_SCRIPT:-$1}" "$2" "$3" "${4:-$seconds}")
  IFS=$'\t' read -r name ops p50 p99 count ok tooMany fivexx other timeouts <<<"$out"
  local cpu; cpu=$(awk -v a="$cpu0" -v b="$(cpu_ms)" -v n="$count" 'BEGIN { printf "%.2f", (n > 0 ? (b - a) / n : 0) }')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$3" "$ops" "$p50" "$p99" "$count" "$ok" "$tooMany" "$fivexx" "$other" "$timeouts" "$(peak_mb)" "$cpu"
  echo "$ops" > "$data/$1.ops"
  if [[ $database == postgresql ]]; then
    # Per operation (for storm, per request, most of them 429s).
    awk -v name="$name" -v n="$count" -v a="$statements0" -v b="$(pg_statements "$data")" -v c0="$db0" -v c1="$(pg_cpu_ms)" 'BEGIN {
      split(a, x, " "); split(b, y, " "); if (n == 0) n = 1
      printf "| %s | %.1f | %.1f | %.1f | %.2f | %.1f | %.2f |\n", name, (y[1] - x[1]) / n, (y[2] - x[2]) / n, (y[3] - x[3]) / n,
        (y[4] - x[4]) / n, (y[5] - x[5]) / n / 1024, (c1 - c0) / n }' >>"$data/pg-rows"
  fi
}
row anonymous 1 64
row refresh 1 64
row flow 16 16
row register 1 8
# login ÷ raw: this VM's CPU speed drifts by 10-20 % within a minute (docs/benchmarks.md), so login and the raw ceiling
# alternate: raw, login, raw, login, ... raw (LATCHKEY_BENCH_LOGIN_ROUNDS logins, default 3; the server idles while raw
# runs, login is already warm). Each login window is compared with the mean of the raw windows on either side of it,
# and the median of those ratios is reported. The table gets one login row per round. LK_WARM tells row that the
# warm-up has been done.
raws=() ratios=()
if [[ -z $only || $only == *",login,"* ]]; then
  if [[ $warmup -gt 0 ]]; then LK_LOGIN_EMAIL=login@example.com LK_RUN="$LK_RUN-warm" wrk_run login 1 8 "$warmup" >/dev/null; fi
  read -r _ raw_before cores <<<"$(load argon2 "$seconds")"
  raws+=("$raw_before")
  for ((round = 1; round <= rounds; round++)); do
    LK_WARM=1 LK_LOGIN_EMAIL=login@example.com row login 1 8
    read -r _ raw_after _ <<<"$(load argon2 "$seconds")"
    raws+=("$raw_after")
    ratios+=("$(awk -v l="$(cat "$data/login.ops")" -v a="$raw_before" -v b="$raw_after" 'BEGIN { printf "%.2f", 2 * l / (a + b) }')")
    raw_before=$raw_after
  done
  ratio=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END { printf "%.2f", NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2 }')
fi
LK_LOGIN_EMAIL=login@example.com LK_SCENARIO=storm LK_SCRIPT=login row storm 2 500 30

stop
# The peer, in the same run on the same port with the same wrk settings (issue #25): ASP.NET Core Identity's own token
# API (bench/Latchkey.IdentityPeer: MapIdentityApi, every default as shipped) on the same kind of database.
peer_rows() {
  local connection=(--database "Data Source=$data/peer.db")
  if [[ $database == postgresql ]]; then
    psql_as postgres postgres -c "CREATE DATABASE peer OWNER latchkey"
    connection=(--database "Host=127.0.0.1;Port=$pg_port;Username=latchkey;Password=latchkey;Database=peer;Maximum Pool Size=$pg_pool" --postgres true)
  fi
  dotnet bench/Latchkey.IdentityPeer/bin/Release/net10.0/Latchkey.IdentityPeer.dll --urls "$base" "${connection[@]}" >"$data/peer.log" 2>&1 &
  pid=$!
  # Listening once any answer comes (GET /login is a 405).
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/login") != 000 ]]; do
    kill -0 "$pid" 2>/dev/null || { cat "$data/peer.log" >&2; exit 1; }
    sleep 0.05
  done
  export LK_PEER_EMAIL="peer@example.com" LK_PEER_PASSWORD="Correct-horse-1"
  local account; account=$(printf '{"email":"%s","password":"%s"}' "$LK_PEER_EMAIL" "$LK_PEER_PASSWORD")
  curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' -d "$account" "$base/register"
  LK_PEER_REFRESH=$(curl -fs -X POST -H 'Content-Type: application/json' -d "$account" "$base/login" | sed -E 's/.*"refreshToken":"([^"]+)".*/\1/')
  export LK_PEER_REFRESH
  LK_FLOOR_REFRESH=$(curl -fs "$base/floor/refresh-token")
  export LK_FLOOR_REFRESH
  row identity-refresh 1 64
  row identity-login 1 8
  row floor-json 1 64
  row floor-es256 1 64
  row floor-visitor 1 64
  row floor-refresh 1 64
  stop
}
if [[ -z $only || $only == *",identity-"* || $only == *",floor-"* ]]; then peer_rows; fi
ratio_of() { [[ -f $data/$1.ops && -f $data/$2.ops ]] && awk -v a="$(<"$data/$1.ops")" -v b="$(<"$data/$2.ops")" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }' || printf -- '-'; }
printf '\nbeside ASP.NET Core Identity (same run): refresh ÷ Identity refresh %s (target ≥ 2 on SQLite, ≥ 1.5 on PostgreSQL), visitor tokens ÷ Identity refresh %s (target ≥ 5), login ÷ Identity login %s\n' \
  "$(ratio_of refresh identity-refresh)" "$(ratio_of anonymous identity-refresh)" "$(ratio_of login identity-login)"
printf 'the floor on this machine (same run): Identity refresh ÷ ES256 floor %s, visitor tokens ÷ ES256 floor %s, ES256 floor ÷ JSON floor %s\n' \
  "$(ratio_of identity-refresh floor-es256)" "$(ratio_of anonymous floor-es256)" "$(ratio_of floor-es256 floor-json)"
printf 'the visitor floor (the two tokens alone, same run): visitor floor ÷ Identity refresh %s (the most visitor tokens ÷ Identity refresh can reach), visitor tokens ÷ visitor floor %s\n' \
  "$(ratio_of floor-visitor identity-refresh)" "$(ratio_of anonymous floor-visitor)"
printf 'the refresh floor (token checks, one read, one access token, same run): refresh floor ÷ Identity refresh %s (the most refresh ÷ Identity refresh can reach), refresh ÷ refresh floor %s\n' \
  "$(ratio_of floor-refresh identity-refresh)" "$(ratio_of refresh floor-refresh)"
if [[ $database == postgresql ]]; then
  printf '\nPostgreSQL per operation (pg_stat_statements of the node'"'"'s database; CPU of all PostgreSQL processes):\n\n'
  printf '| scenario | statements/op | writes/op | pool checkouts/op | db execution ms/op | WAL KB/op | db CPU ms/op |\n|---|---|---|---|---|---|---|\n'
  cat "$data/pg-rows"
fi
if [[ ${#ratios[@]} -gt 0 ]]; then
  printf '\nlogin/s ÷ raw hashes/s: %s, the median of %s (raw ceilings in order: %s hashes/s)\n' "$ratio" "${ratios[*]}" "${raws[*]}"
fi
# start_rows: the start-up rows of the last table (idle RSS and start to first 200, first start and restart).
start_rows() {
  printf '| idle RSS after the first start (empty data dir: migrations and bootstrap ran) | %s MB |\n' "$idle"
  printf '| idle RSS after a restart | %s MB |\n' "$idle_restart"
  if [[ $database == postgresql ]]; then
    printf '| migrate (empty database: migrations and bootstrap, a separate process) | %s ms |\n' "$first_migrate"
    printf '| start to first 200 (fresh node on the migrated database) | %s ms |\n' "$first"
  else
    printf '| start to first 200 (empty data dir, includes migrations and bootstrap) | %s ms |\n' "$first"
  fi
  printf '| start to first 200 (restart on the same data dir) | %s ms |\n' "$restart"
}
if [[ -n $only && $only != *",startup,"* ]]; then exit 0; fi
stop
start "$data"; restart=$start_ms; sleep 2; idle_restart=$(rss_mb); stop
if [[ -n $only ]]; then
  # --only=startup: the start-up rows alone (issue #4's targets), measured as in the full run.
  printf '\n| measure | value |\n|---|---|\n'
  start_rows
  exit 0
fi

# seed <data dir> <members>: members seed-0 … seed-<n-1>@example.com, all with copies of one PHC string (no hashing
# per member). SQLite: Latchkey.Load writes the file (server stopped). PostgreSQL: one INSERT … SELECT over
# generate_series, then ANALYZE, as an operator's bulk import would leave it.
seed() {
  if [[ $database == sqlite ]]; then load seed "$1" "$2" >/dev/null; return; fi
  psql_as latchkey "$(<"$1/pg-database")" -v phc="$(load phc)" -v n="$2" <<'SQL'
INSERT INTO members ("Id", "SiteId", "Email", "NormalizedEmail", "EmailVerified", "Status", "PendingReasons", "PasswordHash",
  "PasswordResetRequired", "MfaEnabled", profile_json, "Revision", "SecurityStamp", "CreatedAt", "UpdatedAt")
SELECT gen_random_uuid(), site."Id", 'seed-' || i || '@example.com', 'seed-' || i || '@example.com', true, 1, 0, :'phc',
  false, false, '{}', 1, 'seed', now_ticks, now_ticks
FROM (SELECT "Id" FROM sites LIMIT 1) site,
     (SELECT (extract(epoch FROM now()) * 10000000)::bigint + 621355968000000000 AS now_ticks) t,
     generate_series(0, :n - 1) i;
ANALYZE members;
SQL
}

# Login latency with 1,000 and with 1,000,000 members (the same PHC string copied, no hashing per member).
latency_at() {
  local dir; dir=$(mktemp -d /tmp/latchkey-seed.XXXXXX)
  prepare "$dir" >/dev/null
  if [[ $database == sqlite ]]; then start "$dir"; stop; fi # the first start creates the schema
  seed "$dir" "$1" >/dev/null
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
printf '| raw Argon2id ceiling (m=19 MiB, t=2, p=1, %s threads), before, between and after the login rounds | %s hashes/s |\n' "$cores" "${raws[*]}"
printf '| login/s ÷ raw hashes/s, each round against the raw windows around it | %s (median of %s) |\n' "$ratio" "${ratios[*]}"
printf '| login at 1,000 members (2 connections) | %s/s, p50 %s ms, p99 %s ms |\n' "$small_ops" "$small_p50" "$small_p99"
printf '| login at 1,000,000 members (2 connections) | %s/s, p50 %s ms, p99 %s ms |\n' "$big_ops" "$big_p50" "$big_p99"
start_rows
echo
echo "load average after: $(uptime | sed 's/.*load average: //')"
