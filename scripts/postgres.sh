#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks, owned by the `postgres` user (initdb refuses root).
#
#   scripts/postgres.sh start <dir> <port>   installs Debian's postgresql if needed, creates the cluster in <dir> on
#                                           first use, starts it on 127.0.0.1:<port>, prints the connection string
#   scripts/postgres.sh stop <dir>           stops it (fast shutdown: open sessions are cut, as in a crash of the link)
#
# The role `latchkey` (password `latchkey`) owns the database `latchkey` and may create databases, so a test can make
# one database per test class.
set -euo pipefail

command=${1:?start|stop}
dir=${2:?cluster directory}
port=${3:-55432}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$bin" ]]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql) >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
    if [[ ! -f "$dir/PG_VERSION" ]]; then
      pwfile=$(mktemp)
      echo postgres >"$pwfile"
      chmod 644 "$pwfile"
      as_postgres "$bin/initdb" -D "$dir" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null
      rm -f "$pwfile"
      # Tests create a database per class and run two servers at once: allow more than the default 100 connections.
      cat >>"$dir/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 128MB
fsync = on
EOF
    fi
    if ! as_postgres "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null
    fi
    as_postgres "$bin/psql" -h "$dir" -p "$port" -U postgres -qtA -c \
      "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'latchkey') THEN CREATE ROLE latchkey LOGIN CREATEDB PASSWORD 'latchkey'; END IF; END \$\$;" >/dev/null
    as_postgres "$bin/psql" -h "$dir" -p "$port" -U postgres -qtA -c "SELECT 1 FROM pg_database WHERE datname = 'latchkey'" | grep -q 1 ||
      as_postgres "$bin/createdb" -h "$dir" -p "$port" -U postgres -O latchkey latchkey
    echo "Host=127.0.0.1;Port=$port;Username=latchkey;Password=latchkey;Database=latchkey"
    ;;
  stop)
    as_postgres "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop <dir> [port]" >&2
    exit 2
    ;;
esac
