#!/usr/bin/env bash
# Entrypoint of the postgres:17 stand-in image (tools/engine). It follows the contract
# of the official image's entrypoint:
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default: the user),
#   POSTGRES_HOST_AUTH_METHOD (default scram-sha-256 with a password), POSTGRES_INITDB_ARGS,
#   PGDATA (default /var/lib/postgresql/data), scripts in /docker-entrypoint-initdb.d.
# On first start it runs initdb, creates the database, runs the init scripts with a
# server listening on the socket only, then execs postgres in the foreground as the
# postgres user, listening on all addresses (port 5432).
set -euo pipefail

# `docker run postgres -c x=y` means `postgres -c x=y`.
if [ "${1:0:1}" = "-" ]; then set -- postgres "$@"; fi

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

if [ "$1" != postgres ]; then exec "$@"; fi

# As root: own the data and socket directories, then run again as postgres.
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$0" "$@"
fi

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${POSTGRES_PASSWORD:=}"
if [ -z "${POSTGRES_HOST_AUTH_METHOD:-}" ]; then
  if [ -n "$POSTGRES_PASSWORD" ]; then POSTGRES_HOST_AUTH_METHOD=scram-sha-256
  else POSTGRES_HOST_AUTH_METHOD=""; fi
fi

first_start() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    echo "error: database is uninitialized and superuser password is not specified." >&2
    echo "  Set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust to allow all" >&2
    echo "  connections without a password (not recommended)." >&2
    exit 1
  fi
  local pwfile=()
  if [ -n "$POSTGRES_PASSWORD" ]; then
    pw=$(mktemp); printf '%s\n' "$POSTGRES_PASSWORD" >"$pw"
    pwfile=(--pwfile="$pw")
  fi
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" "${pwfile[@]}" ${POSTGRES_INITDB_ARGS:-}
  if [ -n "$POSTGRES_PASSWORD" ]; then rm -f "$pw"; fi

  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

  # Init phase: a server reachable on the unix socket only.
  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start
  local psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres)
  if [ "$POSTGRES_DB" != postgres ]; then
    "${psql[@]}" --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        echo "running $f"
        # shellcheck disable=SC1090
        if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *.sql) echo "running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) echo "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
      *) echo "ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "PostgreSQL init process complete; ready for start up."
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then first_start; fi
exec "$@"
