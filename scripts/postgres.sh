#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks, from Debian's
# `postgresql` package (scripts/setup.sh --test installs it). The packaged
# cluster on 5432 is left alone.
#   scripts/postgres.sh start DIR   initdb into DIR, start on a free port,
#                                   print the URL of its `postgres` database
#   scripts/postgres.sh stop DIR    stop it (DIR is then safe to delete)
# The database's default collation is ICU's zh-Hans-CN (pinyin order), as a
# Chinese city's server might be: Linli's tables must sort the same anyway.
set -euo pipefail
cmd="${1:?start|stop}"
dir="${2:?a folder}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (scripts/setup.sh --test)" >&2; exit 1; }
# The server refuses to run as root: run it as the package's `postgres` user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_owner "$bin/initdb" -D "$dir/data" -U linli --auth=trust -E UTF8 --locale=C.UTF-8 \
      --locale-provider=icu --icu-locale=zh-Hans-CN >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # fsync stays on: the tests kill servers and expect what was committed.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://linli@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
