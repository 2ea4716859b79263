#!/usr/bin/env sh
# Creates, once, everything secret the compose stack needs, in git-ignored places:
#   secrets/jwt-signing-key.pem   the auth service's RS256 signing key (PKCS#8 PEM, compose secret)
#   secrets/postgres-password     the PostgreSQL superuser's password (compose secret)
#   .env                          one database password per service, and the admin user's password
# Existing files are kept (delete one to make it anew). Needs only openssl.
#   sh docker/make-secrets.sh
set -eu
cd "$(dirname "$0")/.."
umask 077
mkdir -p secrets
chmod 700 secrets

if [ ! -s secrets/jwt-signing-key.pem ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out secrets/jwt-signing-key.pem 2>/dev/null
  echo "created secrets/jwt-signing-key.pem"
fi
if [ ! -s secrets/postgres-password ]; then
  openssl rand -hex 24 > secrets/postgres-password
  echo "created secrets/postgres-password"
fi
# Compose mounts secrets as they are on disk: the containers' users (node 1000, postgres 999) must
# be able to read them. The folder itself stays private to you (700).
chmod 644 secrets/jwt-signing-key.pem secrets/postgres-password

if [ ! -s .env ]; then
  {
    echo "# Created by docker/make-secrets.sh: never commit this file."
    for service in AUTH CATALOG ORDERS PROFILE; do
      echo "${service}_DB_PASSWORD=$(openssl rand -hex 24)"
    done
    echo "ADMIN_USERNAME=admin"
    echo "ADMIN_PASSWORD=$(openssl rand -hex 12)"
  } > .env
  echo "created .env (database passwords; admin user 'admin', password: grep ADMIN_PASSWORD .env)"
fi
