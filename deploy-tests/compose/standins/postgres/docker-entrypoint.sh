#!/usr/bin/env bash
# Test-only stand-in for the official postgres image's docker-entrypoint.sh, covering what
# docker-compose.yml relies on:
# - started as root: owns the data and socket folders, then runs again as `postgres`;
# - POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE, POSTGRES_USER (postgres), POSTGRES_DB;
# - on an empty data folder: initdb, a temporary server on the unix socket only, then every
#   /docker-entrypoint-initdb.d/*.sh (run if executable, else sourced) and *.sql, then stop;
# - host connections need a password (scram-sha-256); the server listens on every interface.
set -Eeuo pipefail
: "${PGDATA:=/var/lib/postgresql/data}"

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" = postgres ]; then
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
  fi
  if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then POSTGRES_PASSWORD="$(< "$POSTGRES_PASSWORD_FILE")"; fi
  export POSTGRES_USER="${POSTGRES_USER:-postgres}"
  export POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
  export PGHOST=/var/run/postgresql PGPORT=5432

  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
      echo 'Error: database is uninitialized and POSTGRES_PASSWORD(_FILE) is not set' >&2
      exit 1
    fi
    # shellcheck disable=SC2086
    initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") -D "$PGDATA" ${POSTGRES_INITDB_ARGS:-}
    printf "listen_addresses = '*'\nunix_socket_directories = '/var/run/postgresql'\n" >> "$PGDATA/postgresql.conf"
    printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
    export PGPASSWORD="$POSTGRES_PASSWORD"
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
    if [ "$POSTGRES_DB" != postgres ]; then
      psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    fi
    for f in /docker-entrypoint-initdb.d/*; do
      case "$f" in
        *.sh)
          # shellcheck disable=SC1090
          if [ -x "$f" ]; then echo "$0: running $f"; "$f"; else echo "$0: sourcing $f"; . "$f"; fi ;;
        *.sql) echo "$0: running $f"; psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f "$f" ;;
        *) if [ -e "$f" ]; then echo "$0: ignoring $f"; fi ;;
      esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop
    unset PGPASSWORD
    echo 'PostgreSQL init process complete; ready for start up.'
  fi
fi

exec "$@"
