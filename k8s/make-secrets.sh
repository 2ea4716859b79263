#!/usr/bin/env bash
# Creates the Secrets the manifests reference (they never hold secrets themselves):
#
#   k8s/make-secrets.sh local        # kind/minikube: generates everything
#   AUTH_DATABASE_URL=postgres://... CATALOG_DATABASE_URL=... ORDERS_DATABASE_URL=... \
#   PROFILE_DATABASE_URL=... k8s/make-secrets.sh production
#   k8s/make-secrets.sh local --print # print the Secrets as YAML instead of applying them
#
#   jwt-signing-key          signing-key.pem: PKCS#8 PEM RSA key(s), the first signs, all are
#                            published (SIGNING_KEY_FILE=<file> to use yours, e.g. for rotation)
#   <service>-database       url: the database URL of auth-, catalog-, orders-, profile-service
#                            (mounted as a file: DATABASE_URL_FILE)
#   postgres-credentials     (local) the in-cluster PostgreSQL's passwords as files:
#                            postgres-password (superuser), <db>-db-password (one per service role)
#   revocation-feed          secret: shared by auth-service and the gateways, which read the
#                            revocation feed with it (REVOCATION_FEED_SECRET_FILE); generated
#   auth-service-admin       username, password of the bootstrap admin (ADMIN_USERNAME,
#                            ADMIN_PASSWORD_FILE): ADMIN_PASSWORD if set, else generated
#
# Secrets that exist are kept (delete one to make it anew); the database URLs of the local overlay
# always follow the passwords in postgres-credentials. Needs openssl, and kubectl unless --print.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
overlay="${1:-}"
mode=apply
[ "${2:-}" = --print ] && mode=print
case "$overlay" in local|production) ;; *) echo "usage: $0 local|production [--print]" >&2; exit 2 ;; esac
NAMESPACE="${NAMESPACE:-jwt-msa}"
services=(auth-service catalog-service orders-service profile-service)
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

b64() { printf '%s' "$1" | base64 | tr -d '\n'; }
secret() { # name key=value...
  local name="$1"; shift
  printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\n  labels:\n    app.kubernetes.io/part-of: jwt-msa\ntype: Opaque\ndata:\n' "$name" "$NAMESPACE" >> "$out"
  local pair
  for pair in "$@"; do printf '  %s: %s\n' "${pair%%=*}" "$(b64 "${pair#*=}")" >> "$out"; done
  echo "secret/$name: $([ "$mode" = print ] && echo printed || echo created)" >&2
}
exists() { [ "$mode" = apply ] && kubectl -n "$NAMESPACE" get secret "$1" >/dev/null 2>&1; }
value_of() { kubectl -n "$NAMESPACE" get secret "$1" -o "jsonpath={.data.$2}" | base64 -d; }
password() { openssl rand -hex 24; }
var_of() { local s="${1%-service}"; echo "${s^^}"; } # auth-service -> AUTH

if [ "$mode" = apply ]; then
  command -v kubectl >/dev/null || { echo "kubectl not found" >&2; exit 1; }
  kubectl apply -f "$here/overlays/$overlay/namespace.yaml" >&2
fi

if exists jwt-signing-key; then
  echo "secret/jwt-signing-key: exists, kept" >&2
else
  if [ -n "${SIGNING_KEY_FILE:-}" ]; then key="$(cat "$SIGNING_KEY_FILE")"
  else key="$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)"; fi
  secret jwt-signing-key "signing-key.pem=$key"
fi

if [ "$overlay" = local ]; then
  declare -A pw
  if exists postgres-credentials; then
    echo "secret/postgres-credentials: exists, kept" >&2
    for s in "${services[@]}"; do pw[$s]="$(value_of postgres-credentials "${s%-service}-db-password")"; done
  else
    pairs=("postgres-password=$(password)")
    for s in "${services[@]}"; do pw[$s]="$(password)"; pairs+=("${s%-service}-db-password=${pw[$s]}"); done
    secret postgres-credentials "${pairs[@]}"
  fi
  for s in "${services[@]}"; do
    db="${s%-service}"
    secret "$s-database" "url=postgres://$db:${pw[$s]}@postgres:5432/$db"
  done
else
  for s in "${services[@]}"; do
    if exists "$s-database"; then echo "secret/$s-database: exists, kept" >&2; continue; fi
    var="$(var_of "$s")_DATABASE_URL"
    [ -n "${!var:-}" ] || { echo "set $var (the managed database URL of $s, e.g. postgres://${s%-service}:...@10.20.0.5:5432/${s%-service}?sslmode=require)" >&2; exit 1; }
    secret "$s-database" "url=${!var}"
  done
fi
if exists revocation-feed; then echo "secret/revocation-feed: exists, kept" >&2
else secret revocation-feed "secret=$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n')"; fi
# The auth Deployment mounts the admin password as a file (ADMIN_PASSWORD_FILE), so the Secret always exists.
if exists auth-service-admin; then echo "secret/auth-service-admin: exists, kept" >&2
else secret auth-service-admin "username=${ADMIN_USERNAME:-admin}" "password=${ADMIN_PASSWORD:-$(openssl rand -hex 24)}"; fi

if [ "$mode" = print ]; then cat "$out"
elif [ -s "$out" ]; then kubectl apply -f "$out" >&2
fi
if [ "$mode" = apply ]; then
  echo "admin password: kubectl -n $NAMESPACE get secret auth-service-admin -o jsonpath='{.data.password}' | base64 -d" >&2
fi
