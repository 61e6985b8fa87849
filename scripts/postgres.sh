#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks, from Debian's
# `postgresql` package (scripts/setup.sh --test installs it). The packaged
# cluster on 5432 is left alone.
#   scripts/postgres.sh start DIR   initdb into DIR, start on a free port,
#                                   print the URL of its `postgres` database
#   scripts/postgres.sh stop DIR    stop it (DIR is then safe to delete)
#   scripts/postgres.sh resume DIR  start a stopped one again, same port and data
# The database's default collation is ICU's zh-Hans-CN (pinyin order), as a
# Chinese city's server might be: Linli's tables must sort the same anyway.
# It speaks TLS with a certificate from a throwaway CA, DIR/ca.crt, as a
# database on another host would: connect with
# `?sslmode=verify-full&sslrootcert=DIR/ca.crt` (without `sslmode`, clients
# use TLS when offered).
set -euo pipefail
cmd="${1:?start|stop|resume}"
dir="${2:?a folder}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (scripts/setup.sh --test)" >&2; exit 1; }
# The server refuses to run as root: run it as the package's `postgres` user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
run_on() { # PORT
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $1 -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c ssl=on" start >/dev/null
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U linli --auth=trust -E UTF8 --locale=C.UTF-8 \
      --locale-provider=icu --icu-locale=zh-Hans-CN >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # A throwaway CA and a certificate for 127.0.0.1 signed by it.
    tls="$dir/tls"
    mkdir -p "$tls"
    ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
    openssl req -x509 "${ec[@]}" -days 7 -subj "/CN=Linli throwaway CA" \
      -keyout "$tls/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req "${ec[@]}" -subj "/CN=127.0.0.1" -keyout "$dir/data/server.key" -out "$tls/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$tls/ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$dir/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
      -days 7 -extfile "$tls/ext" -out "$dir/data/server.crt" 2>/dev/null
    chmod 600 "$dir/data/server.key"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir/data/server.key" "$dir/data/server.crt"
    chmod 644 "$dir/ca.crt"
    # A random high port; another one if it is taken. fsync stays on: the
    # tests kill servers and expect what was committed.
    for attempt in 1 2 3 4 5 6 7 8; do
      port=$((20000 + RANDOM % 40000))
      if run_on "$port"; then
        break
      fi
      [ "$attempt" -lt 8 ] || { cat "$dir/server.log" >&2; exit 1; }
    done
    echo "$port" > "$dir/port"
    echo "postgres://linli@127.0.0.1:$port/postgres"
    ;;
  resume)
    run_on "$(cat "$dir/port")" || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start|stop|resume DIR" >&2; exit 2 ;;
esac
