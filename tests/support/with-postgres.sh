#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster from the machine's PostgreSQL packages.
# The cluster lives in a temporary directory, listens only on a Unix socket, and is removed
# afterwards. DATABASE_URL points the command at it.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ]; then
  echo "PostgreSQL is niet geïnstalleerd (verwacht onder /usr/lib/postgresql)." >&2
  exit 1
fi
TMP=$(mktemp -d /tmp/overleg-pg.XXXXXX)
chmod 755 "$TMP"
RUN=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$TMP"
  RUN=(runuser -u postgres --)
fi
cleanup() {
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$TMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
"${RUN[@]}" "$PGBIN/initdb" -D "$TMP/data" -U overleg --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" -w \
  -o "-k $TMP -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"$PGBIN/createdb" -h "$TMP" -U overleg overleg_test
export DATABASE_URL="postgresql://overleg@/overleg_test?host=$TMP"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') draait tijdelijk in $TMP"
"$@"
