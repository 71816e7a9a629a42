#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on the loopback address, for the registry tests:
#   scripts/with-postgres.sh swift test --skip-build
# The server's URL is in ARGUS_TEST_POSTGRESQL while the command runs; the server and its files are
# removed afterwards. Where PostgreSQL cannot be started, the command runs without it and the
# PostgreSQL half of the registry tests says it was skipped.
set -uo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: PostgreSQL is not installed (scripts/bootstrap.sh installs it); registry tests run on SQLite only" >&2
  exec "$@"
fi
dir=$(mktemp -d /tmp/argus-pg-XXXXXX)
chmod 755 "$dir"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() { as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$dir"; }
trap stop EXIT
if as_postgres "$bin/initdb" -D "$dir/data" --auth=trust -U postgres >"$dir/initdb.log" 2>&1 &&
   as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
     -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null 2>&1 &&
   as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres argus_test; then
  export ARGUS_TEST_POSTGRESQL="postgresql://postgres@127.0.0.1:$port/argus_test"
  echo "with-postgres: PostgreSQL on 127.0.0.1:$port for the registry tests" >&2
else
  echo "with-postgres: PostgreSQL could not be started (see below); registry tests run on SQLite only" >&2
  tail -5 "$dir"/*.log >&2 2>/dev/null
fi
"$@"
