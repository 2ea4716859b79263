#!/usr/bin/env bash
# Runs once, on the first start of the official postgres image (empty data directory), as the
# `postgres` user against the temporary unix-socket-only server: one role and one database per
# service, each role owning only its own database, and no one else (PUBLIC) may connect to it.
# Passwords: <SERVICE>_DB_PASSWORD (from the git-ignored .env that docker/make-secrets.sh writes).
set -euo pipefail

for service in auth catalog orders profile; do
  var="${service^^}_DB_PASSWORD"
  password="${!var:-}"
  if [ -z "$password" ]; then
    echo "10-service-databases.sh: $var is not set (run docker/make-secrets.sh)" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    --set=name="$service" --set=password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
  echo "10-service-databases.sh: created role and database '$service'"
done
