#!/usr/bin/env bash
# The test command (README, .ci/run): starts a throwaway PostgreSQL cluster in a temporary
# folder on a free loopback port (as the postgres user when run as root), makes a Python
# virtual environment with Playwright for the browser test (.build/venv, once; it drives
# Debian's chromium), runs `swift test` with both in its environment, and stops the cluster and
# removes its folder at the end, whatever happened. Arguments go to `swift test`
# (e.g. --filter Matcher).
set -euo pipefail
cd "$(dirname "$0")/.."

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "scripts/test.sh: PostgreSQL's server is not installed (apt-get install -y postgresql); .ci/run installs it" >&2
    exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
    echo "scripts/test.sh: chromium is not installed (apt-get install -y chromium); .ci/run installs it" >&2
    exit 1
fi
VENV=.build/venv
if ! "$VENV/bin/python" -c "import playwright" 2>/dev/null; then
    echo "scripts/test.sh: installing Playwright for Python in $VENV (once)" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet playwright
fi
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
PGDIR=$(mktemp -d /tmp/tarjama-pg.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres "$PGDIR"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
    as_owner "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
}
trap stop EXIT
as_owner "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres -E UTF8 --no-sync >/dev/null
as_owner "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
    -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null

export TARJAMA_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PORT/postgres"
export TARJAMA_REQUIRE_POSTGRES=1
export TARJAMA_BROWSER_PYTHON="$PWD/$VENV/bin/python"
export TARJAMA_REQUIRE_BROWSER=1
swift test "$@"
