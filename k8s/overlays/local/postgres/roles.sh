#!/usr/bin/env bash
# One role and database per service, from password files. Run by the compose stack's
# `postgres-roles` one-shot (postgres image) on every `docker compose up` once PostgreSQL is
# healthy, before the services start; and, as a copy (k8s/overlays/local/postgres/roles.sh), by the
# local Kubernetes overlay's PostgreSQL on its first start (docker-entrypoint-initdb.d, PGHOST = the
# init server's socket). For each
# /run/secrets/postgres/<db>-db-password (docker/secrets/secrets.list): the role <db> exists, logs in
# with that password (a password you bring later replaces the old one), owns the database <db>, and
# no one else (PUBLIC) may connect to that database. Idempotent.
# Passwords go from their files into psql variables (\set with backquotes), never on a command line.
set -euo pipefail
dir=/run/secrets/postgres
export PGHOST="${PGHOST:-postgres}" PGUSER="${PGUSER:-postgres}" PGDATABASE=postgres PGCONNECT_TIMEOUT=5
PGPASSWORD="$(< "$dir/postgres-password")"
export PGPASSWORD

if ! error="$(psql --no-psqlrc -qtAc 'SELECT 1' 2>&1 >/dev/null)"; then
  echo "postgres-roles: cannot log in as $PGUSER: $error" >&2
  case "$error" in *'password authentication failed'*)
    echo 'postgres-roles: the superuser password is set on the first start only, and the postgres-password' \
      'secret now differs from it: put the old one back in secrets/, or start afresh (docker compose down -v)' >&2 ;;
  esac
  exit 1
fi

shopt -s nullglob
files=("$dir"/*-db-password)
[ "${#files[@]}" -gt 0 ] || { echo "postgres-roles: no $dir/*-db-password" >&2; exit 1; }
for file in "${files[@]}"; do
  name="$(basename "$file" -db-password)"
  psql -v ON_ERROR_STOP=1 --no-psqlrc -q --set=name="$name" --set=file="$file" <<'SQL'
\set password `cat :'file'`
SELECT format('CREATE ROLE %I LOGIN', :'name') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
ALTER ROLE :"name" WITH LOGIN PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
  echo "postgres-roles: role and database '$name' ready"
done
