#!/usr/bin/env sh
# Optional: bring your own secrets to the compose stack instead of the ones it generates.
# `docker compose up` needs nothing of this: its `secrets` service generates every missing secret
# into the `secrets` volume on the first start. Files here win over generated ones (copied in on
# the next `docker compose up`):
#
#   sh docker/make-secrets.sh            # writes secrets/<file> for each line of docker/secrets/secrets.list
#                                        # that has none yet (git-ignored, mode 0600; needs openssl)
#   edit or replace any of them, then:   docker compose up -d
#
# Keeps existing files (delete one to make it anew). The PostgreSQL superuser password
# (postgres-password) is set on the first start only: bring it before that, or start afresh with
# `docker compose down -v`. Database passwords and the rest are taken at every start.
set -eu
cd "$(dirname "$0")/.."
umask 077
mkdir -p secrets
chmod 700 secrets

grep '^secret ' docker/secrets/secrets.list | while read -r _ file kind _; do
  target="secrets/$file"
  [ -s "$target" ] && continue
  case "$kind" in
    password) openssl rand -hex 24 > "$target" ;;
    token) openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n' > "$target" ;;
    rsa-key) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$target" 2>/dev/null ;;
    *) echo "make-secrets.sh: unknown kind '$kind' for $file in docker/secrets/secrets.list" >&2; exit 1 ;;
  esac
  echo "created $target"
done
echo "secrets/ holds your secrets; docker compose up takes them (admin password: cat secrets/admin-password)"
