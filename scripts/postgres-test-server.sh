#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the tests (trust authentication, loopback only,
# fsync off: never use it for data you want to keep).
#
# Usage: bash scripts/postgres-test-server.sh start|stop|status|url|socket-url
#   start   initialise (first time) and start the server, then print its URL on stdout;
#           when it is already running, only print the URL (idempotent)
#   stop    stop the server and delete its directory (idempotent)
#   status  exit 0 when running, 1 otherwise
#   url     print the URL without starting anything
#   socket-url  print the URL that connects through the Unix socket instead
# Settings: VISAGE_PG_PORT (default 55432), VISAGE_PG_DIR (default /tmp/visage-postgres-PORT),
#           VISAGE_PG_BIN (default /usr/lib/postgresql/15/bin).
# The URL is postgres://visage@127.0.0.1:PORT/postgres; the Unix socket is in VISAGE_PG_DIR
# (postgres://visage@/postgres?host=DIR&port=PORT). PostgreSQL refuses to run as root: as root
# the server runs as the `postgres` user, which owns VISAGE_PG_DIR.
set -euo pipefail

port=${VISAGE_PG_PORT:-55432}
dir=${VISAGE_PG_DIR:-/tmp/visage-postgres-$port}
bin=${VISAGE_PG_BIN:-/usr/lib/postgresql/15/bin}
user=visage
url="postgres://$user@127.0.0.1:$port/postgres"

say() { echo "[postgres-test-server] $*" >&2; }
die() { say "error: $*"; exit 1; }

# Runs a command as the server's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
    if [[ $EUID == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

running() {
    [[ -f $dir/data/postmaster.pid ]] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

start() {
    [[ -x $bin/postgres ]] ||
        die "PostgreSQL 15 is not installed at $bin (apt-get install postgresql-15, or run scripts/setup.sh --for-tests)"
    if running; then
        echo "$url"
        return
    fi
    if [[ $EUID == 0 ]]; then
        id postgres >/dev/null 2>&1 || die "user 'postgres' does not exist (it comes with the postgresql-15 package)"
    fi
    if [[ ! -f $dir/data/PG_VERSION ]]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        [[ $EUID == 0 ]] && chown postgres: "$dir"
        chmod 700 "$dir"
        say "initialising a new cluster in $dir/data"
        as_owner "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
            { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        die "port $port is in use by another program; set VISAGE_PG_PORT to a free port"
    fi
    say "starting PostgreSQL on 127.0.0.1:$port (log: $dir/server.log)"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null ||
        { tail -n 20 "$dir/server.log" >&2 || true; die "the server did not start"; }
    echo "$url"
}

stop() {
    if running; then
        say "stopping the server in $dir"
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) running ;;
    url) echo "$url" ;;
    socket-url) echo "postgres://$user@/postgres?host=$dir&port=$port" ;;
    *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
