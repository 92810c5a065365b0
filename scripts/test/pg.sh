#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL server on a loopback port for the test suites.
#   scripts/test/pg.sh start DIR PORT   → prints DATABASE_URL=... (database "iris")
#   scripts/test/pg.sh stop DIR
# initdb and pg_ctl refuse to run as root, so they run as the `postgres` user.
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?state dir}
port=${3:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_pg "'$bin/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_pg "'$bin/pg_ctl' -D '$dir/data' status" >/dev/null 2>&1; then
      as_pg "'$bin/pg_ctl' -D '$dir/data' -w -t 60 -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" -l '$dir/server.log' start" >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    fi
    psql -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname='iris'" | grep -q 1 \
      || psql -h 127.0.0.1 -p "$port" -U postgres -qc "create database iris" >/dev/null
    echo "DATABASE_URL=postgresql://postgres@127.0.0.1:$port/iris"
    ;;
  stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
      as_pg "'$bin/pg_ctl' -D '$dir/data' -w stop -m fast" >/dev/null 2>&1 || true
    fi
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
