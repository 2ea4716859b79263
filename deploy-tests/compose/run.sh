#!/usr/bin/env bash
# npm run test:compose: docker-compose.yml and the Dockerfile, for real.
#
#  1. a Docker engine: uses the running one, or installs Debian's docker.io (+ docker-compose v1)
#     and starts dockerd for the length of the test (stopped again at the end);
#  2. the base images the Dockerfile and compose file name (node:24-slim, postgres:17): official
#     ones if present or pullable, else local stand-ins with the same names (standins.sh says so);
#  3. `sh docker/make-secrets.sh` (keeps existing secrets), then `compose build`;
#  4. `compose up -d --scale orders=3 --scale catalog=2`, exactly as a user types it;
#  5. through the published gateway port only: the README's curl walkthrough verbatim, several
#     replicas answering, the services and PostgreSQL not reachable from the host, a replica
#     stopping gracefully on SIGTERM; and, apart from the stack, a request in flight surviving the
#     SIGTERM of the image's node (PID 1 without an init);
#  6. always (trap): `compose down -v`, and dockerd stopped if this script started it.
#
# Every wait has a time limit. Prints "compose: N passed, N failed" last; exits non-zero on any
# failure. Settings (environment): COMPOSE ("docker compose" or "docker-compose"; default: v2 if
# installed, else v1), COMPOSE_PROJECT (jwt-msa-compose-test), GATEWAY_PORT (8080, or a free port
# if 8080 is taken), KEEP_STACK=1 (leave the stack running for a look; `compose down -v` later).
set -Eeuo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/deploy-tests/compose"
cd "$root"

PROJECT="${COMPOSE_PROJECT:-jwt-msa-compose-test}"
SCALE_ORDERS=3
SCALE_CATALOG=2
work="$(mktemp -d /tmp/jwt-msa-compose.XXXXXX)"
started=$SECONDS
passed=0
failed=0
dockerd_pid=''
stack_up=0
drain_cleanup=''

step() { printf '\n== [%4ss] %s\n' "$((SECONDS - started))" "$*"; }
ok() { passed=$((passed + 1)); printf 'ok     - %s\n' "$*"; }
not_ok() { failed=$((failed + 1)); printf 'NOT OK - %s\n' "$*"; }
die() { not_ok "$*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Teardown, whatever happened.
cleanup() {
  local rc=$?
  set +e
  if [ "$stack_up" = 1 ]; then
    if [ "$failed" -gt 0 ] || [ "$rc" != 0 ]; then
      step "logs (last 15 lines per container) after a failure"
      timeout 60 $COMPOSE -p "$PROJECT" logs --no-color --tail=15 2>&1 | cut -c1-300 | tail -150
    fi
    if [ "${KEEP_STACK:-0}" = 1 ]; then
      step "KEEP_STACK=1: the stack stays up ($COMPOSE -p $PROJECT down -v to remove it)"
    else
      step "tear down: $COMPOSE -p $PROJECT down -v"
      timeout 180 $COMPOSE -p "$PROJECT" down -v --remove-orphans --timeout 20 2>&1 | tail -5
    fi
  fi
  if [ -n "$drain_cleanup" ]; then
    docker rm -f "${PROJECT}_drain_gateway" "${PROJECT}_drain_upstream" "${PROJECT}_drain_client" >/dev/null 2>&1
    docker network rm "$drain_cleanup" >/dev/null 2>&1
  fi
  if [ -n "$dockerd_pid" ] && [ "${KEEP_STACK:-0}" = 1 ] && [ "$stack_up" = 1 ]; then
    step "KEEP_STACK=1: the dockerd this test started keeps running (pid $dockerd_pid)"
  elif [ -n "$dockerd_pid" ]; then
    step "stopping the dockerd this test started (pid $dockerd_pid)"
    kill -TERM "$dockerd_pid" 2>/dev/null
    for _ in $(seq 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$dockerd_pid" 2>/dev/null
  fi
  rm -rf "$work"
  [ "$rc" = 0 ] && [ "$failed" -gt 0 ] && rc=1
  printf '\ncompose suite: %ss\n' "$((SECONDS - started))"
  printf 'Tests: %d passed, %d failed (compose suite)\n' "$passed" "$failed"
  printf 'compose: %d passed, %d failed\n' "$passed" "$failed"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
step "Docker engine"
apt_updated=0
apt_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || die "need $* (not root or no apt-get: install it yourself)"
  if [ "$apt_updated" = 0 ]; then timeout 300 apt-get update -qq || true; apt_updated=1; fi
  echo "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || apt_install docker.io iptables
  command -v docker >/dev/null || apt_install docker.io
  echo "no Docker engine running: starting dockerd (log: /tmp/jwt-msa-dockerd.log)"
  setsid dockerd > /tmp/jwt-msa-dockerd.log 2>&1 < /dev/null &
  dockerd_pid=$!
  for _ in $(seq 120); do docker info >/dev/null 2>&1 && break; kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -20 /tmp/jwt-msa-dockerd.log; die "dockerd did not start within 60 s"; }
fi
if [ -z "${COMPOSE:-}" ]; then
  if docker compose version >/dev/null 2>&1; then COMPOSE='docker compose'
  else
    command -v docker-compose >/dev/null || apt_install docker-compose
    COMPOSE='docker-compose'
  fi
fi
echo "engine $(docker version -f '{{.Server.Version}}'), compose: $COMPOSE ($($COMPOSE version --short 2>/dev/null || $COMPOSE version | head -1))"

# ---------------------------------------------------------------------------------------------
step "base images"
timeout 1500 bash "$here/standins.sh" || die "base images"

step "secrets: sh docker/make-secrets.sh"
sh docker/make-secrets.sh
set -a; . ./.env; set +a
[ -n "${ADMIN_PASSWORD:-}" ] || die ".env has no ADMIN_PASSWORD"

if [ -z "${GATEWAY_PORT:-}" ]; then
  GATEWAY_PORT=8080
  if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
    GATEWAY_PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    echo "port 8080 is taken on this machine: the gateway publishes $GATEWAY_PORT instead"
  fi
fi
export GATEWAY_PORT PUBLIC_URL="http://localhost:$GATEWAY_PORT"
GW="http://localhost:$GATEWAY_PORT"

# ---------------------------------------------------------------------------------------------
step "$COMPOSE build"
build_started=$SECONDS
timeout 1800 $COMPOSE -p "$PROJECT" build > "$work/build.log" 2>&1 || { tail -40 "$work/build.log"; die "compose build"; }
ok "compose build: 5 images in $((SECONDS - build_started))s"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^jwt-msa/' | sed 's/^/  /'

step "$COMPOSE up -d --scale orders=$SCALE_ORDERS --scale catalog=$SCALE_CATALOG"
up_started=$SECONDS
stack_up=1
timeout 600 $COMPOSE -p "$PROJECT" up -d --scale orders=$SCALE_ORDERS --scale catalog=$SCALE_CATALOG 2>&1 | tail -20 \
  || die "compose up"
code=''
for _ in $(seq 120); do
  code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$GW/readyz" || true)"
  [ "$code" = 200 ] && break
  sleep 1
done
[ "$code" = 200 ] || die "gateway not ready at $GW/readyz within 120 s (last status: ${code:-none})"
ok "stack up, gateway ready at $GW in $((SECONDS - up_started))s"

containers() { docker ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1"; }
health_of() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1"; }
for service in postgres:1 auth:1 catalog:$SCALE_CATALOG orders:$SCALE_ORDERS profile:1 gateway:1; do
  name="${service%%:*}" want="${service##*:}"
  healthy=0
  for _ in $(seq 60); do
    healthy=0
    for c in $(containers "$name"); do [ "$(health_of "$c")" = healthy ] && healthy=$((healthy + 1)); done
    [ "$healthy" = "$want" ] && break
    sleep 1
  done
  [ "$healthy" = "$want" ] && ok "$name: $want container(s), healthy" || not_ok "$name: $healthy of $want container(s) healthy"
done

# ---------------------------------------------------------------------------------------------
step "the README's curl walkthrough, verbatim, through $GW"
node -e '
  const readme = require("fs").readFileSync(process.argv[1], "utf8");
  const block = /<!-- walkthrough:start -->\n```bash\n([\s\S]*?)```\n<!-- walkthrough:end -->/.exec(readme);
  if (!block) { console.error("no walkthrough block in README.md"); process.exit(1); }
  process.stdout.write(block[1]);' "$root/README.md" > "$work/walkthrough.sh"
mkdir -p "$work/cwd"
if (cd "$work/cwd" && env -i PATH="$PATH" HOME="$work/cwd" GW="$GW" ADMIN_USERNAME="$ADMIN_USERNAME" ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    timeout 120 bash "$work/walkthrough.sh") > "$work/walkthrough.out" 2>&1; then
  ok "walkthrough ran (exit 0)"
else
  not_ok "walkthrough exited non-zero"
fi
cut -c1-160 "$work/walkthrough.out" | sed 's/^/  | /'
statuses="$(grep -oE ' \[[0-9]{3}\]$' "$work/walkthrough.out" | tr -d ' []' | paste -sd' ' -)"
expected='201 200 403 201 201 201 200 200 200 401 401 401 204 401'
[ "$statuses" = "$expected" ] && ok "walkthrough statuses: $statuses" || not_ok "walkthrough statuses: got '$statuses', want '$expected'"
grep -q 'header: {"alg":"RS256","typ":"at+jwt","kid":"' "$work/walkthrough.out" && ok "walkthrough: RS256 at+jwt header with a kid" || not_ok "walkthrough: token header"
grep -q "\"iss\":\"$GW\"" "$work/walkthrough.out" && ok "walkthrough: iss is the public gateway URL" || not_ok "walkthrough: iss is not $GW"

# ---------------------------------------------------------------------------------------------
step "several replicas answer through the gateway"
token="$(curl -s -m 10 -X POST "$GW/auth/login" -H 'content-type: application/json' \
  -d '{"username":"alice","password":"alice-password"}' | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')"
served_by() { # path, count, [curl args...]
  local path="$1" count="$2"; shift 2
  for _ in $(seq "$count"); do
    curl -s -m 10 -o /dev/null -D - "$GW$path" "$@" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-served-by" { print $2 }'
  done | sort | uniq -c | sed 's/^ */  /'
}
served_by /api/orders 20 -H "authorization: Bearer $token" > "$work/orders-replicas"
cat "$work/orders-replicas"
n="$(grep -c 'orders-service/' "$work/orders-replicas" || true)"
[ "$n" -ge 2 ] && ok "GET /api/orders x20: $n distinct orders replicas answered (of $SCALE_ORDERS)" || not_ok "GET /api/orders x20: $n distinct orders replica(s) answered, want >= 2"
served_by /api/catalog/products 20 > "$work/catalog-replicas"
cat "$work/catalog-replicas"
n="$(grep -c 'catalog-service/' "$work/catalog-replicas" || true)"
[ "$n" -ge 2 ] && ok "GET /api/catalog/products x20: $n distinct catalog replicas answered (of $SCALE_CATALOG)" || not_ok "GET /api/catalog/products x20: $n distinct catalog replica(s), want >= 2"

# ---------------------------------------------------------------------------------------------
step "only the gateway is reachable from the host"
gateway="$(containers gateway)"
published="$(for c in $(docker ps -q --filter "label=com.docker.compose.project=$PROJECT"); do
  docker inspect -f '{{.Name}} {{range $p, $b := .NetworkSettings.Ports}}{{if $b}}{{$p}}->{{(index $b 0).HostIp}}:{{(index $b 0).HostPort}} {{end}}{{end}}' "$c"; done | awk 'NF > 1')"
echo "$published" | sed 's/^/  /'
[ "$(echo "$published" | wc -l)" = 1 ] && echo "$published" | grep -q "_gateway_1 8080/tcp->127.0.0.1:$GATEWAY_PORT\|gateway-1 8080/tcp->127.0.0.1:$GATEWAY_PORT" \
  && ok "one published port: the gateway's 8080 on 127.0.0.1:$GATEWAY_PORT" || not_ok "published ports: $published"
for port in 3000 5432 9464; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then not_ok "127.0.0.1:$port accepts connections"; else ok "127.0.0.1:$port refused (services, PostgreSQL, gateway admin port: not published)"; fi
done
# The host has no address on the internal network's bridge, hence no route into it (checked on the
# routing table: no packet is sent to a container address from the host).
backend_id="$(docker network inspect -f '{{.Id}}' "${PROJECT}_backend")"
bridge="br-${backend_id:0:12}"
if ip -4 addr show dev "$bridge" 2>/dev/null | grep -q inet; then not_ok "the host has an IPv4 address on $bridge (backend)"; else ok "the host has no IPv4 address on the backend bridge $bridge"; fi
for c in $(containers orders) $(containers postgres); do
  ip="$(docker inspect -f "{{(index .NetworkSettings.Networks \"${PROJECT}_backend\").IPAddress}}" "$c")"
  route="$(ip -4 route get "$ip" 2>/dev/null | head -1)"
  case "$route" in *"dev $bridge "*) not_ok "host routes to $ip over the backend bridge: $route" ;; *) ok "no host route into the backend for $ip ($(docker inspect -f '{{.Name}}' "$c"))" ;; esac
done
# A client on the public (edge) network cannot even resolve the services; the gateway can reach them.
lookup='require("dns").lookup(process.argv[1], (e, a) => { console.log(e ? e.code : a); })'
for name in orders postgres; do
  answer="$(timeout 60 docker run --rm --network "${PROJECT}_edge" --entrypoint node jwt-msa/gateway:latest -e "$lookup" "$name" 2>&1 | tail -1)"
  case "$answer" in ENOTFOUND|EAI_AGAIN) ok "from the edge network, '$name' does not resolve ($answer)" ;; *) not_ok "from the edge network, '$name' resolves to $answer" ;; esac
done
answer="$(timeout 30 docker exec "$gateway" node -e 'fetch("http://orders:3000/healthz").then(r => console.log(r.status), e => console.log(e.cause?.code ?? e.message))' 2>&1 | tail -1)"
[ "$answer" = 200 ] && ok "the gateway reaches orders:3000 on the backend network" || not_ok "gateway -> orders:3000: $answer"

# ---------------------------------------------------------------------------------------------
step "SIGTERM: a replica drains and exits 0; the others keep serving"
victim="$(containers orders | head -1)"
stop_started=$SECONDS
timeout 60 docker stop -t 15 "$victim" >/dev/null
stop_seconds=$((SECONDS - stop_started))
exit_code="$(docker inspect -f '{{.State.ExitCode}}' "$victim")"
[ "$exit_code" = 0 ] && [ "$stop_seconds" -lt 15 ] && ok "docker stop: orders replica exited $exit_code after ${stop_seconds}s (SIGTERM handled, not killed)" \
  || not_ok "docker stop: exit code $exit_code after ${stop_seconds}s"
docker logs "$victim" 2>&1 | grep -q '"msg":"stopped"' && ok "the stopped replica logged its graceful shutdown" || not_ok "no 'stopped' log line from the stopped replica"
sleep 6 # > the gateway's DNS refresh (UPSTREAM_DNS_REFRESH_MS, 5 s)
codes="$(for _ in $(seq 10); do curl -s -m 10 -o /dev/null -w '%{http_code}\n' "$GW/api/orders" -H "authorization: Bearer $token"; done | sort | uniq -c | tr -s ' ' | paste -sd, -)"
[ "$codes" = ' 10 200' ] && ok "10 x GET /api/orders after the stop: all 200" || not_ok "GET /api/orders after the stop: $codes"
timeout 120 $COMPOSE -p "$PROJECT" up -d --scale orders=$SCALE_ORDERS --scale catalog=$SCALE_CATALOG >/dev/null 2>&1 \
  && ok "compose up again: back to $SCALE_ORDERS orders replicas" || not_ok "compose up again"

# ---------------------------------------------------------------------------------------------
step "SIGTERM with a request in flight: the image's node (PID 1, no init) drains it, then exits 0"
# A gateway container alone, its catalog upstream a server that takes 3 s to answer, a client in a
# third container; all on a throwaway internal network of their own.
drain_net="${PROJECT}_drain"
docker network create --internal "$drain_net" >/dev/null
drain_cleanup="$drain_net"
docker run -d --name "${PROJECT}_drain_upstream" --network "$drain_net" --network-alias slow-catalog --entrypoint node jwt-msa/gateway:latest \
  -e 'require("http").createServer((req, res) => { console.log("request", req.url); setTimeout(() => res.end("{\"items\":[]}"), 3000); }).listen(3000, "0.0.0.0")' >/dev/null
docker run -d --name "${PROJECT}_drain_gateway" --network "$drain_net" --network-alias gw \
  -e AUTH_SERVICE_URLS=http://slow-catalog:3000 -e CATALOG_SERVICE_URLS=http://slow-catalog:3000 \
  -e ORDERS_SERVICE_URLS=http://slow-catalog:3000 -e PROFILE_SERVICE_URLS=http://slow-catalog:3000 jwt-msa/gateway:latest >/dev/null
for _ in $(seq 60); do docker logs "${PROJECT}_drain_gateway" 2>&1 | grep -q '"msg":"listening"' && break; sleep 0.5; done
timeout 60 docker run --rm --name "${PROJECT}_drain_client" --network "$drain_net" --entrypoint node jwt-msa/gateway:latest \
  -e 'fetch("http://gw:8080/api/catalog/products").then(r => console.log("status", r.status), e => console.log("error", e.cause?.code ?? e.message))' > "$work/drain-client.out" 2>&1 &
client_pid=$!
# (the gateway's own JWKS fetch reaches the same upstream: wait for the client's request itself)
for _ in $(seq 120); do docker logs "${PROJECT}_drain_upstream" 2>&1 | grep -q '^request /api/catalog/products' && break; sleep 0.25; done
stop_started=$SECONDS
timeout 60 docker stop -t 20 "${PROJECT}_drain_gateway" >/dev/null
stop_seconds=$((SECONDS - stop_started))
wait "$client_pid" || true
exit_code="$(docker inspect -f '{{.State.ExitCode}}' "${PROJECT}_drain_gateway")"
pid1="$(docker inspect -f '{{.Path}} {{join .Args " "}}' "${PROJECT}_drain_gateway")"
grep -q '^status 200$' "$work/drain-client.out" && ok "the in-flight request completed: $(cat "$work/drain-client.out")" || not_ok "in-flight request: $(cat "$work/drain-client.out")"
[ "$exit_code" = 0 ] && [ "$stop_seconds" -lt 20 ] && ok "PID 1 '$pid1' exited $exit_code after ${stop_seconds}s (drained, not killed)" || not_ok "gateway exit code $exit_code after ${stop_seconds}s"
