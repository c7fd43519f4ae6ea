#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the tests and print its URL; `stop` ends it.
#
#   url=$(bash .ci/postgres.sh start DIR [--durable])   # installs PostgreSQL from apt if missing
#   bash .ci/postgres.sh stop DIR
#
# The cluster lives in DIR (a temporary folder), listens on a free loopback port and trusts local
# connections. fsync is off: it is thrown away after the run, so nothing in it needs to survive a
# power cut, and the tests run faster. --durable keeps fsync on (for benchmarks). Its log is
# DIR/log; `bash .ci/postgres.sh log DIR` prints its end and the disk's free space.
set -euo pipefail
action=$1
dir=$2
# Throwaway: no fsync, no full-page images, the least WAL kept (the tests make hundreds of
# databases; each is dropped when its test ends, see server/tests/http/harness.rs).
settings="-c fsync=off -c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=256MB -c min_wal_size=64MB"
[ "${3:-}" = "--durable" ] && settings="-c fsync=on"

bin_dir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -z "$found" ]; then
        echo "==> installing PostgreSQL from apt" >&2
        if [ "$(id -u)" = 0 ]; then apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
        else sudo apt-get update -qq >&2 && sudo apt-get install -y -qq postgresql >&2; fi
        found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    echo "$found"
}

# PostgreSQL refuses to run as root; then it runs as the postgres account apt created.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
    bin=$(bin_dir)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
        "-p $port -k $dir -c listen_addresses=127.0.0.1 $settings -c max_connections=300" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port"
    ;;
stop)
    bin=$(bin_dir)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
log)
    echo "==> the end of PostgreSQL's log ($dir/log), and the free space" >&2
    tail -n 40 "$dir/log" >&2 || true
    df -h "$dir" >&2 || true
    ;;
*)
    echo "usage: postgres.sh start|stop|log DIR" >&2
    exit 2
    ;;
esac
