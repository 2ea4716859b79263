#!/usr/bin/env bash
# npm run test:compose: docker-compose.yml and the Dockerfile, for real, with Compose v2.
#
#  1. a Docker engine and `docker compose`: uses what runs, or installs Debian's docker.io and
#     trixie's docker-compose 2.26 (debian-apt.sh) and starts dockerd for the length of the test;
#  2. the base images (node:24-slim, postgres:17): official ones if present or pullable, else local
#     stand-ins with the same names (standins.sh says so);
#  3. a fresh copy of the checkout (its tracked and unignored files: no secrets/, no .env, as after
#     a clone), where every command below runs exactly as a user types it:
#     a. `docker compose up -d` with no secrets at all: generated, the admin password printed once
#        and readable again with the README's command, 0400 files per service, none in the env;
#     b. the README's curl walkthrough, verbatim, with that documented admin password; the console
#        through the gateway: its page at /console/ (with its CSP), / redirecting there, its stats;
#     c. `--scale orders=3 --scale catalog=2 --scale gateway=2`: several replicas answer;
#     d. only the balancer publishes a port; nothing else is reachable from the host;
#     e. a replica stops gracefully on SIGTERM; and apart from the stack, a request in flight
#        survives the SIGTERM of the image's node (PID 1 without an init);
#     f. `docker compose down` then `up`: data, users and every secret kept;
#     f. the counter-example: `docker compose --profile sessions up -d`, a login through its own
#        balancer answers with a `sid` cookie, which then reaches the services;
#     g. bring your own: `down -v`, `sh docker/make-secrets.sh`, `up`: your secrets are used;
#     h. `docker compose down -v` leaves no container, volume or network of the project;
#  4. always (trap): `down -v`, and dockerd stopped if this script started it.
#
# Every wait has a time limit. Prints "compose: N passed, N failed" last; exits non-zero on any
# failure. Settings (environment): COMPOSE_PROJECT (jwt-msa-compose-test), GATEWAY_PORT (8080, or
# a free port if 8080 is taken), SESSION_GATEWAY_PORT (8090, likewise), KEEP_STACK=1 (leave the
# stack running for a look).
set -Eeuo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/deploy-tests/compose"

export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT:-jwt-msa-compose-test}"
PROJECT="$COMPOSE_PROJECT_NAME"
SCALE=(--scale orders=3 --scale catalog=2 --scale gateway=2)
work="$(mktemp -d /tmp/jwt-msa-compose.XXXXXX)"
checkout="$work/checkout"
started=$SECONDS
passed=0
failed=0
dockerd_pid=''
stack_up=0
drain_cleanup=''

# `cmd | grep -q x` under pipefail fails at random: grep -q exits at the first match and cmd, still
# writing (a long `compose logs`), dies of SIGPIPE. This reads all of its input, then says.
matches() { grep "$@" > /dev/null; }
step() { printf '\n== [%4ss] %s\n' "$((SECONDS - started))" "$*"; }
ok() { passed=$((passed + 1)); printf 'ok     - %s\n' "$*"; }
not_ok() { failed=$((failed + 1)); printf 'NOT OK - %s\n' "$*"; }
check() { # description, then a command: ok if it succeeds
  local description="$1"; shift
  if "$@"; then ok "$description"; else not_ok "$description"; fi
}
die() { not_ok "$*"; exit 1; }
compose() { timeout 600 docker compose "$@"; }

# ---------------------------------------------------------------------------------------------
# Teardown, whatever happened.
cleanup() {
  local rc=$?
  set +e
  if [ "$stack_up" = 1 ]; then
    cd "$checkout"
    if [ "$failed" -gt 0 ] || [ "$rc" != 0 ]; then
      step "logs (last 15 lines per container) after a failure"
      timeout 60 docker compose logs --no-color --tail=15 2>&1 | cut -c1-300 | tail -150
    fi
    if [ "${KEEP_STACK:-0}" = 1 ]; then
      step "KEEP_STACK=1: the stack stays up (cd $checkout && docker compose down -v to remove it)"
    else
      step "tear down: docker compose down -v"
      timeout 180 docker compose down -v --remove-orphans --timeout 20 2>&1 | tail -3
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
  [ "${KEEP_STACK:-0}" = 1 ] && [ "$stack_up" = 1 ] || rm -rf "$work"
  [ "$rc" = 0 ] && [ "$failed" -gt 0 ] && rc=1
  printf '\ncompose suite: %ss\n' "$((SECONDS - started))"
  printf 'Tests: %d passed, %d failed (compose suite)\n' "$passed" "$failed"
  printf 'compose: %d passed, %d failed\n' "$passed" "$failed"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
step "Docker engine and Compose v2"
if ! docker info >/dev/null 2>&1 || ! docker compose version >/dev/null 2>&1; then
  timeout 900 bash "$here/debian-apt.sh" docker || die "installing docker.io and docker-compose (debian-apt.sh)"
fi
if ! docker info >/dev/null 2>&1; then
  echo "no Docker engine running: starting dockerd (log: /tmp/jwt-msa-dockerd.log)"
  setsid dockerd > /tmp/jwt-msa-dockerd.log 2>&1 < /dev/null &
  dockerd_pid=$!
  for _ in $(seq 120); do docker info >/dev/null 2>&1 && break; kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -20 /tmp/jwt-msa-dockerd.log; die "dockerd did not start within 60 s"; }
fi
echo "engine $(docker version -f '{{.Server.Version}}'), $(docker compose version)"

step "base images"
timeout 1500 bash "$here/standins.sh" || die "base images"

# Volumes without the project's label (anonymous ones) would escape the label filter at the end.
docker volume ls -q | sort > "$work/volumes-before"

step "a fresh copy of the checkout (tracked and unignored files only: no secrets/, no .env)"
mkdir -p "$checkout"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf -) | tar -C "$checkout" -xf -
cd "$checkout"
[ ! -e secrets ] && [ ! -e .env ] && ok "the copy has no secrets/ and no .env" || die "the copy has secrets/ or .env"

if [ -z "${GATEWAY_PORT:-}" ]; then
  GATEWAY_PORT=8080
  if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
    GATEWAY_PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    echo "port 8080 is taken on this machine: the balancer publishes $GATEWAY_PORT instead"
  fi
fi
export GATEWAY_PORT PUBLIC_URL="http://localhost:$GATEWAY_PORT"
GW="http://localhost:$GATEWAY_PORT"
if [ -z "${SESSION_GATEWAY_PORT:-}" ]; then
  SESSION_GATEWAY_PORT=8090
  if (exec 3<>/dev/tcp/127.0.0.1/8090) 2>/dev/null; then
    SESSION_GATEWAY_PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    echo "port 8090 is taken on this machine: the sessions balancer publishes $SESSION_GATEWAY_PORT instead"
  fi
fi
export SESSION_GATEWAY_PORT
SGW="http://localhost:$SESSION_GATEWAY_PORT"

# ---------------------------------------------------------------------------------------------
# One image at a time (two cores shared with other work); the first one fills the cache of the
# dependency stages the others share. `up` builds again (pull_policy: build), from that cache.
step "docker compose build, one image at a time"
build_started=$SECONDS
for service in auth catalog orders profile console gateway; do
  compose build "$service" > "$work/build-$service.log" 2>&1 || { tail -40 "$work/build-$service.log"; die "docker compose build $service"; }
done
compose --profile sessions build session-gateway > "$work/build-session-gateway.log" 2>&1 \
  || { tail -40 "$work/build-session-gateway.log"; die "docker compose --profile sessions build session-gateway"; }
ok "docker compose build: 7 images (the counter-example's too) in $((SECONDS - build_started))s"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^jwt-msa/' | sed 's/^/  /'

containers() { docker ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1"; }
health_of() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1"; }
wait_ready() { # what: the balancer answers /readyz 200
  local code=''
  for _ in $(seq 120); do
    code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$GW/readyz" || true)"
    [ "$code" = 200 ] && return 0
    sleep 1
  done
  echo "  $GW/readyz: last status ${code:-none}"
  return 1
}
wait_healthy() { # service count
  local healthy=0
  for _ in $(seq 60); do
    healthy=0
    for c in $(containers "$1"); do [ "$(health_of "$c")" = healthy ] && healthy=$((healthy + 1)); done
    [ "$healthy" = "$2" ] && return 0
    sleep 1
  done
  echo "  $1: $healthy of $2 healthy"
  return 1
}
# The README's way to get the admin password for the walkthrough, verbatim from its compose section.
show_admin_password_command="$(grep -m1 -E '^export ADMIN_PASSWORD=\$\(docker compose ' "$root/README.md" | sed 's/ *#.*$//')"
[ -n "$show_admin_password_command" ] || die "README.md has no line 'export ADMIN_PASSWORD=\$(docker compose ...)'"
echo "the README's admin password line: $show_admin_password_command"
admin_password() { bash -c "$show_admin_password_command"' && printf %s "$ADMIN_PASSWORD"' 2>/dev/null | tr -d '\r'; }
login() { # username password -> status
  curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST "$GW/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}"
}
jwks_n() { curl -s -m 10 "$GW/.well-known/jwks.json" | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).keys.map((k) => k.n).sort().join(",")'; }

# ---------------------------------------------------------------------------------------------
step "a. docker compose up -d, with no secrets at all"
up_started=$SECONDS
stack_up=1
compose up -d > "$work/up.log" 2>&1 || { tail -30 "$work/up.log"; die "docker compose up -d"; }
wait_ready && ok "stack up, the gateway ready through the balancer at $GW in $((SECONDS - up_started))s" || die "not ready at $GW/readyz"
for service in postgres:1 auth:1 catalog:1 orders:1 profile:1 console:1 gateway:1 balancer:1; do
  check "${service%%:*}: ${service##*:} container(s), healthy" wait_healthy "${service%%:*}" "${service##*:}"
done
compose logs --no-color secrets > "$work/secrets.log" 2>&1
sed 's/^/  | /' "$work/secrets.log" | sed -E 's/(generated password: )[0-9a-f]+/\1<shown>/'
printed="$(sed -nE 's/.*generated password: ([0-9a-f]+).*/\1/p' "$work/secrets.log")"
generated="$(grep -c ': generated (' "$work/secrets.log" || true)"
secrets_listed="$(grep -c '^secret ' docker/secrets/secrets.list)"
[ "$generated" = "$secrets_listed" ] && ok "the secrets service generated all $secrets_listed secrets of docker/secrets/secrets.list" \
  || not_ok "generated $generated of $secrets_listed secrets"
[ -n "$printed" ] && [ "$(admin_password)" = "$printed" ] \
  && ok "the admin password printed once by the secrets service is the one \`$show_admin_password_command\` reads" \
  || not_ok "admin password: printed '${printed:-nothing}', the README's command reads '$(admin_password)'"
[ "$(compose run --rm -T secrets show-admin-password 2>/dev/null | tr -d '\r')" = "$printed" ] \
  && ok "docker compose run --rm secrets show-admin-password reads it too" || not_ok "show-admin-password"
ADMIN_PASSWORD="$printed"
[ "$(login admin "$ADMIN_PASSWORD")" = 200 ] && ok "admin logs in with it" || not_ok "admin login with the generated password"
listing="$(compose exec -T auth sh -c 'stat -c "%a %u %n" /run/secrets/auth /run/secrets/auth/*' 2>&1)"
echo "$listing" | sed 's/^/  /'
auth_files="$(awk '$1 == "secret" { for (i = 4; i <= NF; i++) if ($i == "auth") n++ } END { print n }' docker/secrets/secrets.list)"
[ "$(echo "$listing" | awk '$1 != "400" && $1 != "500" || $2 != "10001"' | wc -l)" = 0 ] && [ "$(echo "$listing" | wc -l)" = $((1 + auth_files)) ] \
  && ok "auth's secrets: its own folder (0500) and files (0400), owned by its uid" || not_ok "auth's secret files: $listing"
if compose exec -T orders cat /run/secrets/auth/signing-key.pem >/dev/null 2>&1; then not_ok "orders can read auth's signing key"
else ok "orders cannot read auth's secrets (another uid)"; fi
leaked=0
for c in $(docker ps -q --filter "label=com.docker.compose.project=$PROJECT"); do
  docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$c" | matches -F "$ADMIN_PASSWORD" && leaked=1
done
for image in $(docker image ls -q 'jwt-msa/*' | sort -u); do
  docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$image" | matches -iE 'PASSWORD=|SECRET=' && leaked=1
done
[ "$leaked" = 0 ] && ok "no secret in any container's or image's environment" || not_ok "a secret is in an environment"

# ---------------------------------------------------------------------------------------------
step "b. the README's curl walkthrough, verbatim, with the documented admin password"
node -e '
  const readme = require("fs").readFileSync(process.argv[1], "utf8");
  const block = /<!-- walkthrough:start -->\n```bash\n([\s\S]*?)```\n<!-- walkthrough:end -->/.exec(readme);
  if (!block) { console.error("no walkthrough block in README.md"); process.exit(1); }
  process.stdout.write(block[1]);' "$root/README.md" > "$work/walkthrough.sh"
if (env -i PATH="$PATH" HOME="$work" GW="$GW" ADMIN_PASSWORD="$(admin_password)" COMPOSE_PROJECT_NAME="$PROJECT" \
    timeout 120 bash "$work/walkthrough.sh") > "$work/walkthrough.out" 2>&1; then
  ok "walkthrough ran (exit 0)"
else
  not_ok "walkthrough exited non-zero"
fi
cut -c1-160 "$work/walkthrough.out" | sed 's/^/  | /'
statuses="$(grep -oE ' \[[0-9]{3}\]$' "$work/walkthrough.out" | tr -d ' []' | paste -sd' ' -)"
expected='201 200 403 201 201 201 200 200 200 401 401 401 204 401 401'
[ "$statuses" = "$expected" ] && ok "walkthrough statuses: $statuses" || not_ok "walkthrough statuses: got '$statuses', want '$expected'"
grep -q 'header: {"alg":"RS256","typ":"at+jwt","kid":"' "$work/walkthrough.out" && ok "walkthrough: RS256 at+jwt header with a kid" || not_ok "walkthrough: token header"
grep -q "\"iss\":\"$GW\"" "$work/walkthrough.out" && ok "walkthrough: iss is the public gateway URL" || not_ok "walkthrough: iss is not $GW"

step "b. the console through the gateway: ${GW}/console/"
curl -s -m 10 -o "$work/console.html" -D "$work/console.headers" "$GW/console/" || true
console_status="$(head -1 "$work/console.headers" | awk '{print $2}')"
console_csp="$(tr -d '\r' < "$work/console.headers" | awk -F': ' 'tolower($1) == "content-security-policy" { print $2 }')"
echo "  GET /console/: ${console_status:-no answer}; CSP: ${console_csp:-none}"
[ "$console_status" = 200 ] && grep -qi '<!doctype html>' "$work/console.html" && grep -q "script-src 'self'" <<< "$console_csp" \
  && ok "GET /console/ through the balancer and the gateway: 200, the page, with its Content-Security-Policy" \
  || not_ok "GET /console/: status ${console_status:-none}, CSP '${console_csp}'"
root_redirect="$(curl -s -m 10 -o /dev/null -w '%{http_code} %{redirect_url}' "$GW/")"
[ "$root_redirect" = "302 $GW/console/" ] && ok "GET / redirects (302) to /console/" || not_ok "GET /: '$root_redirect', want '302 $GW/console/'"
stats="$(curl -s -m 10 "$GW/console/api/stats")"
echo "  GET /console/api/stats: $(cut -c1-200 <<< "$stats")"
node -e 'const s = JSON.parse(process.argv[1]); process.exit(s.gateways >= 1 && s.authReplicas >= 1 ? 0 : 1)' "$stats" 2>/dev/null \
  && ok "GET /console/api/stats: JSON from $(node -pe 'JSON.parse(process.argv[1]).gateways' "$stats") gateway(s) and the auth replica" \
  || not_ok "GET /console/api/stats: want JSON with gateways >= 1, got '$(cut -c1-200 <<< "$stats")'"

# ---------------------------------------------------------------------------------------------
step "c. docker compose up -d ${SCALE[*]}"
compose up -d "${SCALE[@]}" > "$work/scale.log" 2>&1 || { tail -30 "$work/scale.log"; die "docker compose up --scale"; }
wait_ready || not_ok "not ready after scaling"
for service in catalog:2 orders:3 gateway:2 balancer:1; do
  check "${service%%:*}: ${service##*:} container(s), healthy" wait_healthy "${service%%:*}" "${service##*:}"
done
sleep 6 # > the gateway's DNS refresh (UPSTREAM_DNS_REFRESH_MS, 5 s) and the balancer's (2 s)
token="$(curl -s -m 10 -X POST "$GW/auth/login" -H 'content-type: application/json' \
  -d '{"username":"alice","password":"alice-password"}' | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')"
served_by() { # path, count, [curl args...]
  local path="$1" count="$2"; shift 2
  for _ in $(seq "$count"); do
    curl -s -m 10 -o /dev/null -D - "$GW$path" "$@" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-served-by" { print $2 }'
  done | sort | uniq -c | sed 's/^ */  /'
}
distinct() { grep -c "$1" "$2" || true; }
served_by /api/orders 20 -H "authorization: Bearer $token" > "$work/orders-replicas"
cat "$work/orders-replicas"
n="$(distinct 'orders-service/orders-[1-3]$' "$work/orders-replicas")"
[ "$n" -ge 2 ] && ok "GET /api/orders x20: $n distinct orders replicas answered (of 3), named orders-<n>" || not_ok "GET /api/orders x20: $n distinct orders replica(s), want >= 2"
served_by /api/catalog/products 20 > "$work/catalog-replicas"
cat "$work/catalog-replicas"
n="$(distinct 'catalog-service/catalog-[12]$' "$work/catalog-replicas")"
[ "$n" -ge 2 ] && ok "GET /api/catalog/products x20: $n distinct catalog replicas answered (of 2), named catalog-<n>" || not_ok "GET /api/catalog/products x20: $n distinct catalog replica(s), want >= 2"
for _ in $(seq 10); do curl -s -m 5 "$GW/readyz" | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).instance'; done | sort | uniq -c > "$work/gateways"
sed 's/^ */  gateway /' "$work/gateways"
[ "$(wc -l < "$work/gateways")" = 2 ] && [ "$(grep -c ' gateway-[12]$' "$work/gateways")" = 2 ] && ok "GET /readyz x10 through the balancer: both gateway replicas answered" || not_ok "gateway replicas answering: $(wc -l < "$work/gateways"), want 2"

# ---------------------------------------------------------------------------------------------
step "d. only the balancer is reachable from the host"
published="$(for c in $(docker ps -q --filter "label=com.docker.compose.project=$PROJECT"); do
  docker inspect -f '{{.Name}} {{range $p, $b := .NetworkSettings.Ports}}{{if $b}}{{$p}}->{{(index $b 0).HostIp}}:{{(index $b 0).HostPort}} {{end}}{{end}}' "$c"; done | awk 'NF > 1')"
echo "$published" | sed 's/^/  /'
[ "$(echo "$published" | wc -l)" = 1 ] && echo "$published" | matches "balancer-1 8080/tcp->127.0.0.1:$GATEWAY_PORT" \
  && ok "one published port: the balancer's 8080 on 127.0.0.1:$GATEWAY_PORT" || not_ok "published ports: $published"
for port in 3000 5432 9464; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then not_ok "127.0.0.1:$port accepts connections"; else ok "127.0.0.1:$port refused (services, PostgreSQL, gateway admin port: not published)"; fi
done
# The host has no address on the internal networks' bridges, hence no route into them (checked on
# the routing table: no packet is sent to a container address from the host).
for network in backend front; do
  id="$(docker network inspect -f '{{.Id}}' "${PROJECT}_$network")"
  bridge="br-${id:0:12}"
  if ip -4 addr show dev "$bridge" 2>/dev/null | matches inet; then not_ok "the host has an IPv4 address on $bridge ($network)"; else ok "the host has no IPv4 address on the $network bridge $bridge"; fi
  for c in $( [ "$network" = backend ] && { containers orders | head -1; containers postgres; } || containers gateway | head -1); do
    address="$(docker inspect -f "{{(index .NetworkSettings.Networks \"${PROJECT}_$network\").IPAddress}}" "$c")"
    route="$(ip -4 route get "$address" 2>/dev/null | head -1)"
    case "$route" in *"dev $bridge "*) not_ok "host routes to $address over the $network bridge: $route" ;; *) ok "no host route into $network for $address ($(docker inspect -f '{{.Name}}' "$c"))" ;; esac
  done
done
# A client on the public (edge) network resolves neither the gateways nor the services.
lookup='require("dns").lookup(process.argv[1], (e, a) => { console.log(e ? e.code : a); })'
for name in gateway orders postgres; do
  answer="$(timeout 60 docker run --rm --network "${PROJECT}_edge" --entrypoint node jwt-msa/gateway:latest -e "$lookup" "$name" 2>&1 | tail -1)"
  case "$answer" in ENOTFOUND|EAI_AGAIN) ok "from the edge network, '$name' does not resolve ($answer)" ;; *) not_ok "from the edge network, '$name' resolves to $answer" ;; esac
done

# ---------------------------------------------------------------------------------------------
step "e. SIGTERM: a replica drains and exits 0; the others keep serving"
victim="$(containers orders | head -1)"
stop_started=$SECONDS
timeout 60 docker stop -t 15 "$victim" >/dev/null
stop_seconds=$((SECONDS - stop_started))
exit_code="$(docker inspect -f '{{.State.ExitCode}}' "$victim")"
[ "$exit_code" = 0 ] && [ "$stop_seconds" -lt 15 ] && ok "docker stop: orders replica exited $exit_code after ${stop_seconds}s (SIGTERM handled, not killed)" \
  || not_ok "docker stop: exit code $exit_code after ${stop_seconds}s"
docker logs "$victim" 2>&1 | matches '"msg":"stopped"' && ok "the stopped replica logged its graceful shutdown" || not_ok "no 'stopped' log line from the stopped replica"
sleep 6 # > the gateway's DNS refresh (UPSTREAM_DNS_REFRESH_MS, 5 s)
codes="$(for _ in $(seq 10); do curl -s -m 10 -o /dev/null -w '%{http_code}\n' "$GW/api/orders" -H "authorization: Bearer $token"; done | sort | uniq -c | tr -s ' ' | paste -sd, -)"
[ "$codes" = ' 10 200' ] && ok "10 x GET /api/orders after the stop: all 200" || not_ok "GET /api/orders after the stop: $codes"

step "e. SIGTERM with a request in flight: the image's node (PID 1, no init) drains it, then exits 0"
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
for _ in $(seq 60); do docker logs "${PROJECT}_drain_gateway" 2>&1 | matches '"msg":"listening"' && break; sleep 0.5; done
timeout 60 docker run --rm --name "${PROJECT}_drain_client" --network "$drain_net" --entrypoint node jwt-msa/gateway:latest \
  -e 'fetch("http://gw:8080/api/catalog/products").then(r => console.log("status", r.status), e => console.log("error", e.cause?.code ?? e.message))' > "$work/drain-client.out" 2>&1 &
client_pid=$!
# (the gateway's own JWKS fetch reaches the same upstream: wait for the client's request itself)
for _ in $(seq 120); do docker logs "${PROJECT}_drain_upstream" 2>&1 | matches '^request /api/catalog/products' && break; sleep 0.25; done
stop_started=$SECONDS
timeout 60 docker stop -t 20 "${PROJECT}_drain_gateway" >/dev/null
stop_seconds=$((SECONDS - stop_started))
wait "$client_pid" || true
exit_code="$(docker inspect -f '{{.State.ExitCode}}' "${PROJECT}_drain_gateway")"
pid1="$(docker inspect -f '{{.Path}} {{join .Args " "}}' "${PROJECT}_drain_gateway")"
grep -q '^status 200$' "$work/drain-client.out" && ok "the in-flight request completed: $(cat "$work/drain-client.out")" || not_ok "in-flight request: $(cat "$work/drain-client.out")"
[ "$exit_code" = 0 ] && [ "$stop_seconds" -lt 20 ] && ok "PID 1 '$pid1' exited $exit_code after ${stop_seconds}s (drained, not killed)" || not_ok "gateway exit code $exit_code after ${stop_seconds}s"
docker rm -f "${PROJECT}_drain_gateway" "${PROJECT}_drain_upstream" >/dev/null 2>&1
docker network rm "$drain_net" >/dev/null 2>&1 && drain_cleanup=''

# ---------------------------------------------------------------------------------------------
step "f. docker compose down, then up: data and secrets kept"
keys_before="$(jwks_n)"
orders_before="$(curl -s -m 10 "$GW/api/orders" -H "authorization: Bearer $token" | node -pe 'JSON.stringify(JSON.parse(require("fs").readFileSync(0, "utf8")))')"
compose down --timeout 20 > "$work/down.log" 2>&1 || not_ok "docker compose down"
compose up -d > "$work/up-again.log" 2>&1 || { tail -30 "$work/up-again.log"; die "docker compose up -d (again)"; }
wait_ready && ok "up again, ready" || die "not ready after the restart"
[ "$(admin_password)" = "$ADMIN_PASSWORD" ] && ok "the admin password is the one generated on the first start" || not_ok "the admin password changed"
[ "$(login admin "$ADMIN_PASSWORD")" = 200 ] && ok "admin logs in with it" || not_ok "admin login after the restart"
[ "$(login alice alice-password)" = 200 ] && ok "alice (registered by the walkthrough) logs in: the auth database was kept" || not_ok "alice cannot log in after the restart"
[ "$(jwks_n)" = "$keys_before" ] && ok "the JWKS publishes the same signing key" || not_ok "the signing key changed"
orders_after="$(curl -s -m 10 "$GW/api/orders" -H "authorization: Bearer $token" | node -pe 'JSON.stringify(JSON.parse(require("fs").readFileSync(0, "utf8")))')"
[ "$orders_after" = "$orders_before" ] && ok "alice's orders are still there, and her token still verifies" || not_ok "orders after the restart: $orders_after (before: $orders_before)"
compose logs --no-color secrets 2>&1 | matches 'kept from an earlier start' && ! compose logs --no-color secrets 2>&1 | matches 'generated password' \
  && ok "the secrets service kept every secret and printed no password" || not_ok "the secrets service on the second start: $(compose logs --no-color secrets 2>&1 | tail -3)"

# ---------------------------------------------------------------------------------------------
step "f. the counter-example: docker compose --profile sessions up -d"
compose --profile sessions up -d > "$work/up-sessions.log" 2>&1 || { tail -30 "$work/up-sessions.log"; not_ok "docker compose --profile sessions up -d"; }
check "session-gateway: 1 container, healthy" wait_healthy session-gateway 1
check "sessions-balancer: 1 container, healthy" wait_healthy sessions-balancer 1
session_login_headers="$(curl -s -m 10 -o /dev/null -D - -X POST "$SGW/session/login" -H 'content-type: application/json' \
  -d '{"username":"alice","password":"alice-password"}' | tr -d '\r')"
sid="$(awk -F': ' 'tolower($1) == "set-cookie" { print $2 }' <<< "$session_login_headers" | sed -nE 's/^sid=([^;]+);.*/\1/p')"
[ "$(head -1 <<< "$session_login_headers" | awk '{print $2}')" = 200 ] && [ -n "$sid" ] \
  && ok "POST $SGW/session/login (alice): 200 with Set-Cookie sid, through the sessions balancer" \
  || not_ok "session login through $SGW: $(head -1 <<< "$session_login_headers"), cookie '${sid:-none}'"
[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$SGW/api/orders" -H "cookie: sid=$sid")" = 200 ] \
  && ok "GET /api/orders with that sid cookie: 200 (the session looked up in its PostgreSQL table)" || not_ok "GET /api/orders with the sid cookie"
[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$SGW/api/orders")" = 401 ] && ok "GET /api/orders without a cookie: 401" || not_ok "GET /api/orders without a cookie through $SGW"
compose --profile sessions rm -sf session-gateway sessions-balancer > "$work/rm-sessions.log" 2>&1 || not_ok "removing the counter-example"
docker network rm "${PROJECT}_sessions-front" >/dev/null 2>&1 || true

# ---------------------------------------------------------------------------------------------
step "g. bring your own: docker compose down -v; sh docker/make-secrets.sh; docker compose up -d"
compose down -v --timeout 20 > "$work/down-v.log" 2>&1 || not_ok "docker compose down -v"
sh docker/make-secrets.sh | sed 's/^/  | /'
compose up -d > "$work/up-byo.log" 2>&1 || { tail -30 "$work/up-byo.log"; die "docker compose up -d (bring your own)"; }
wait_ready && ok "up with your secrets, ready" || die "not ready with the brought secrets"
[ "$(admin_password)" = "$(cat secrets/admin-password)" ] && [ "$(login admin "$(cat secrets/admin-password)")" = 200 ] \
  && ok "admin logs in with secrets/admin-password" || not_ok "admin login with secrets/admin-password"
byo_n="$(node -e 'const k = require("crypto").createPublicKey(require("fs").readFileSync("secrets/signing-key.pem")).export({ format: "jwk" }); console.log(k.n)')"
[ "$(jwks_n)" = "$byo_n" ] && ok "the JWKS publishes the key of secrets/signing-key.pem" || not_ok "the JWKS does not publish secrets/signing-key.pem"
[ "$(compose exec -T postgres cat /run/secrets/postgres/orders-db-password)" = "$(cat secrets/orders-db-password)" ] \
  && ok "PostgreSQL's role passwords are the brought ones (orders)" || not_ok "orders-db-password is not the brought one"
[ "$(compose logs --no-color secrets 2>&1 | grep -c 'taken from secrets/')" = "$secrets_listed" ] \
  && ok "the secrets service took all $secrets_listed from secrets/, generated none" || not_ok "the secrets service did not take every brought secret"

# ---------------------------------------------------------------------------------------------
step "h. docker compose down -v leaves nothing of the project"
compose down -v --timeout 20 > "$work/down-final.log" 2>&1 && stack_up=0 || not_ok "docker compose down -v"
left="$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT" | wc -l) containers, $(docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT" | wc -l) volumes, $(docker network ls -q --filter "label=com.docker.compose.project=$PROJECT" | wc -l) networks"
[ "$left" = '0 containers, 0 volumes, 0 networks' ] && ok "nothing left: $left" || not_ok "left behind: $left"
new_volumes="$(docker volume ls -q | sort | comm -13 "$work/volumes-before" - | wc -l)"
[ "$new_volumes" = 0 ] && ok "no anonymous volume left either" || not_ok "$new_volumes anonymous volume(s) left by the run"

