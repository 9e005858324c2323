#!/usr/bin/env bash
# A private PostgreSQL + PostGIS cluster for the tests: local socket only (no TCP),
# trust authentication for its own socket, in a folder of its own.
#   cluster.sh start DIR   initialise (first time) and start; prints the libpq conninfo
#   cluster.sh stop DIR    stop it (the data stays in DIR for the next start)
# As root, the server runs as the `postgres` system user (PostgreSQL refuses root).
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/pg_ctl" ] || { echo "cluster.sh: PostgreSQL server binaries not found (package postgresql-15)" >&2; exit 1; }
as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); fi
case "$cmd" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if ! "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c max_connections=60" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
  fi
  # The sockets' folder must be reachable by the tests' user.
  chmod 755 "$dir"
  echo "host=$dir port=5432 user=postgres dbname=postgres"
  ;;
stop)
  [ -f "$dir/data/PG_VERSION" ] && "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  ;;
*) echo "cluster.sh: start|stop" >&2; exit 2 ;;
esac
