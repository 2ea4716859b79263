#!/usr/bin/env bash
# Debian package sources for the Docker engine and Compose v2, derived from this machine's own apt
# configuration (no host name is written anywhere: whatever mirror or snapshot the machine uses,
# the added suite uses too).
#
#   bash deploy-tests/compose/debian-apt.sh mirror   # prints the machine's Debian archive URI
#   bash deploy-tests/compose/debian-apt.sh docker   # docker.io (+ iptables) and Compose v2, if missing
#
# Compose v2: Debian bookworm has only docker-compose 1.29; trixie's docker-compose 2.26 needs
# nothing newer than bookworm's libc6 (>= 2.34). The trixie suite is added as a copy of the
# machine's own entry with the suite renamed, pinned at priority 100 (below the default 500, so no
# later `apt-get install` or upgrade takes anything from it), and docker-compose alone is installed
# from it with `-t trixie`. Idempotent: installs nothing that is already there. Needs root.
set -Eeuo pipefail

# APT_DIR: for trying the parsing on other layouts only.
APT_DIR="${APT_DIR:-/etc/apt}"
SOURCES_FILE=/etc/apt/sources.list.d/jwt-msa-trixie.sources
PIN_FILE=/etc/apt/preferences.d/jwt-msa-trixie
APT_TIMEOUT="${APT_TIMEOUT:-600}"

log() { printf '[debian-apt] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# The first entry of the main archive: "URI|components|signed-by", from deb822 *.sources files
# (the default since bookworm) or the one-line sources.list format. Security and updates suites are
# skipped (their archives do not carry trixie's main suite under the same path).
main_archive() {
  local file
  for file in "$APT_DIR"/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    [ "$file" = "$SOURCES_FILE" ] && continue
    awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && uri != "" && suites != "" && suites !~ /-security/) {
          split(suites, s, " "); if (s[1] !~ /-/) { print uri "|" components "|" signed; found = 1; exit }
        }
        types = uri = suites = components = signed = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { key = $1; sub(/:$/, "", key); $1 = ""; sub(/^ +/, "");
        if (key == "Types") types = $0; else if (key == "URIs") { split($0, u, " "); uri = u[1] }
        else if (key == "Suites") suites = $0; else if (key == "Components") components = $0
        else if (key == "Signed-By") signed = $0 }
      END { if (!found) flush() }' "$file" | head -1 | grep . && return 0
  done
  for file in "$APT_DIR"/sources.list "$APT_DIR"/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    # deb [options] URI suite components...
    awk '$1 == "deb" { i = 2; signed = ""
           if ($2 ~ /^\[/) { for (; i <= NF; i++) { if ($i ~ /^\[?signed-by=/) { signed = $i; sub(/^\[?signed-by=/, "", signed); sub(/\]$/, "", signed) } if ($i ~ /\]$/) { i++; break } } }
           uri = $i; suite = $(i + 1); if (suite ~ /-/) next
           components = ""; for (j = i + 2; j <= NF; j++) components = components (components ? " " : "") $j
           print uri "|" components "|" signed; exit }' "$file" | head -1 | grep . && return 0
  done
  return 1
}

mirror() {
  local entry
  entry="$(main_archive)" || die "no Debian archive entry in /etc/apt/sources.list(.d)"
  printf '%s\n' "${entry%%|*}"
}

apt_updated=0
apt_update() {
  [ "$apt_updated" = 1 ] && return 0
  timeout "$APT_TIMEOUT" apt-get update -qq || log 'apt-get update reported errors (continuing with the lists it has)'
  apt_updated=1
}
apt_install() {
  apt_update
  log "installing: $*"
  DEBIAN_FRONTEND=noninteractive timeout "$APT_TIMEOUT" apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}

add_trixie_suite() {
  local entry uri components signed
  entry="$(main_archive)" || die "no Debian archive entry in /etc/apt/sources.list(.d)"
  IFS='|' read -r uri components signed <<<"$entry"
  {
    echo '# Added by deploy-tests/compose/debian-apt.sh for docker-compose (Compose v2) only: a copy of'
    echo "# this machine's own Debian entry with the suite renamed; pinned low in $PIN_FILE."
    echo 'Types: deb'
    echo "URIs: $uri"
    echo 'Suites: trixie'
    echo "Components: ${components:-main}"
    [ -n "$signed" ] && echo "Signed-By: $signed"
  } > "$SOURCES_FILE.tmp"
  {
    echo '# deploy-tests/compose/debian-apt.sh: nothing comes from trixie unless asked for with -t trixie.'
    echo 'Package: *'
    echo 'Pin: release n=trixie'
    echo 'Pin-Priority: 100'
  } > "$PIN_FILE.tmp"
  if ! cmp -s "$SOURCES_FILE.tmp" "$SOURCES_FILE" 2>/dev/null || ! cmp -s "$PIN_FILE.tmp" "$PIN_FILE" 2>/dev/null; then
    mv "$PIN_FILE.tmp" "$PIN_FILE"
    mv "$SOURCES_FILE.tmp" "$SOURCES_FILE"
    log "added the trixie suite from $uri (pinned at 100)"
    apt_updated=0
  else
    rm -f "$SOURCES_FILE.tmp" "$PIN_FILE.tmp"
  fi
}

compose_v2() { docker compose version >/dev/null 2>&1; }

docker_packages() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || die 'installing Docker needs root and apt-get'
  if ! command -v dockerd >/dev/null; then apt_install docker.io iptables; fi
  if ! command -v docker >/dev/null; then apt_install docker.io; fi
  if ! compose_v2; then
    add_trixie_suite
    apt_update
    apt_install -t trixie docker-compose
    compose_v2 || die 'docker-compose from trixie is installed but `docker compose version` fails'
  fi
}

case "${1:-}" in
  mirror) mirror ;;
  docker) docker_packages ;;
  *) echo "usage: $0 mirror|docker" >&2; exit 2 ;;
esac
